package io.stepwise.bootstrap.health;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing readiness check answers with a stable reason: whoever can reach the health port learns
 * that a dependency is down, not its address, credentials or the driver's words.
 */
class ReadinessReasonTest {
    private static final String SECRET_DETAIL = "connect to 10.1.2.3:7233 refused (user=stepwise password=hunter2)";

    @SuppressWarnings("unchecked")
    private static <T> T failing(Class<T> type, String method, Throwable error) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals(method)) {
                throw error;
            }
            if (m.getName().equals("target")) {
                return "temporal.internal:7233";
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Map<String, Object> data(HealthCheckResponse response) {
        return response.getData().orElseGet(Map::of);
    }

    @Test
    void temporalDownSaysUnreachableWithoutTheExceptionText() {
        var stubs = failing(WorkflowServiceStubs.class, "healthCheck",
                new StatusRuntimeException(Status.UNAVAILABLE.withDescription(SECRET_DETAIL)));
        var config = failing(TemporalConfig.class, "none", new IllegalStateException());

        HealthCheckResponse response = new TemporalReadiness(stubs, config).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(data(response)).containsEntry("reason", "temporal unreachable");
        assertThat(data(response).values()).allSatisfy(v -> assertThat(String.valueOf(v))
                .doesNotContain("10.1.2.3").doesNotContain("hunter2").doesNotContain("UNAVAILABLE"));
    }

    @Test
    void databaseDownSaysUnreachableWithoutTheDriverMessage() {
        var dataSource = failing(DataSource.class, "getConnection", new SQLException(SECRET_DETAIL));

        HealthCheckResponse response = new DatabaseReadiness(dataSource).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getName()).isEqualTo("database");
        assertThat(data(response)).containsOnly(Map.entry("reason", "database unreachable"));
    }

    @Test
    void aDataSourceThatThrowsAtRuntimeIsDownToo() {
        var dataSource = failing(DataSource.class, "getConnection", new IllegalStateException(SECRET_DETAIL));

        HealthCheckResponse response = new DatabaseReadiness(dataSource).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(data(response)).containsOnly(Map.entry("reason", "database unreachable"));
    }
}
