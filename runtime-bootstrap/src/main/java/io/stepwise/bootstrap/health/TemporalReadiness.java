package io.stepwise.bootstrap.health;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the Temporal frontend answers its health check. A failure says
 * {@value #UNREACHABLE}; the exception's text (addresses, gRPC detail) goes to the log only.
 */
@Readiness
@ApplicationScoped
public class TemporalReadiness implements HealthCheck {
    static final String UNREACHABLE = "temporal unreachable";
    private final WorkflowServiceStubs stubs;
    private final TemporalConfig config;
    private final OutageLog outages = new OutageLog("temporal");

    public TemporalReadiness(WorkflowServiceStubs stubs, TemporalConfig config) {
        this.stubs = stubs;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("temporal").withData("target", config.target());
        try {
            var health = stubs.healthCheck();
            if (health.getStatus().name().equals("SERVING")) {
                outages.up();
                return response.up().build();
            }
            return response.down().withData("status", health.getStatus().name()).build();
        } catch (RuntimeException e) {
            outages.down(UNREACHABLE, e);
            return response.down().withData("reason", UNREACHABLE).build();
        }
    }
}
