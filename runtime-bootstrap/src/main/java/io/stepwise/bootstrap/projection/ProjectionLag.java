package io.stepwise.bootstrap.projection;

import io.stepwise.bootstrap.persistence.StoredJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

/**
 * Marks runs whose projection batch could not be written: {@code runs.projection_error} (the last
 * reason) and {@code projection_failing_since} (the first failure, kept). Best effort in a short
 * transaction of its own: when the database is away this fails too, and the run document shows
 * the lag once it is back. The next batch that lands clears both ({@link ProjectionTransaction}).
 */
final class ProjectionLag {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionLag.class);
    /** Seconds a marking may take; it must not hold the projection call much longer. */
    private static final int TIMEOUT_SECONDS = 2;
    private static final int MAX_REASON = 1000;
    private final DataSource db;

    ProjectionLag(DataSource db) {
        this.db = db;
    }

    void failing(Collection<String> runIds, String reason) {
        String stored = StoredJson.encode(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE runs SET projection_error = ?, "
                     + "projection_failing_since = COALESCE(projection_failing_since, now()) WHERE id = ?")) {
            s.setQueryTimeout(TIMEOUT_SECONDS);
            for (String runId : runIds) {
                s.setString(1, stored);
                s.setObject(2, UUID.fromString(runId));
                s.executeUpdate();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("projection_lag_not_recorded run_id={} reason=\"{}\"", String.join(",", runIds), e.getMessage());
        }
    }
}
