package io.stepwise.bootstrap.health;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the Temporal frontend answers its health check. */
@Readiness
@ApplicationScoped
public class TemporalReadiness implements HealthCheck {
    private final WorkflowServiceStubs stubs;
    private final TemporalConfig config;

    public TemporalReadiness(WorkflowServiceStubs stubs, TemporalConfig config) {
        this.stubs = stubs;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("temporal").withData("target", config.target());
        try {
            var health = stubs.healthCheck();
            return health.getStatus().name().equals("SERVING") ? response.up().build()
                    : response.down().withData("status", health.getStatus().name()).build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
