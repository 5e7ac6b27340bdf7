package io.stepwise.bootstrap.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Ready only when PostgreSQL hands out a valid connection. Replaces the datasource extension's own
 * check ({@code quarkus.datasource.health.enabled=false}), which puts the driver's message in the
 * response; here a failure says {@value #UNREACHABLE} and the detail goes to the log.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
    static final String UNREACHABLE = "database unreachable";
    private static final int VALIDATION_SECONDS = 3;
    private final DataSource dataSource;
    private final OutageLog outages = new OutageLog("database");

    public DatabaseReadiness(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(VALIDATION_SECONDS)) {
                throw new SQLException("connection not valid within " + VALIDATION_SECONDS + " s");
            }
            outages.up();
            return response.up().build();
        } catch (SQLException | RuntimeException e) {
            outages.down(UNREACHABLE, e);
            return response.down().withData("reason", UNREACHABLE).build();
        }
    }
}
