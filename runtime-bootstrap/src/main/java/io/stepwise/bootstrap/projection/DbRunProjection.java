package io.stepwise.bootstrap.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.core.crypto.Keyring;
import io.micrometer.core.instrument.MeterRegistry;
import io.stepwise.core.runtime.ProjectionChange;
import io.stepwise.core.runtime.RunProjection;
import io.stepwise.core.runtime.RunProjectionHandler;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the interpreter's changes to the runs, steps and waits tables, one transaction per
 * batch on a pooled connection of its own ({@link ProjectionTransaction}), so different runs'
 * batches are written concurrently. Every write is an upsert keyed by (run id, step path,
 * attempt) or guarded by the run's attempt, so a batch applied twice leaves the same rows.
 * A batch that fails is retried by the interpreter; meanwhile the run says so
 * ({@link ProjectionLag}).
 */
public class DbRunProjection implements RunProjection {
    private static final Logger LOG = LoggerFactory.getLogger(DbRunProjection.class);
    private final DataSource db;
    private final ObjectMapper json;
    private final ProjectionLag lag;
    private final MeterRegistry metrics;
    private final Keyring keyring;
    private final int perRoundTrip;

    /**
     * {@code metrics} receives {@code stepwise.runs.finished} (workflow, status) and
     * {@code stepwise.step.duration} (uses, status), each once per transition: a batch applied
     * again records nothing new.
     */
    public DbRunProjection(DataSource db, ObjectMapper json, MeterRegistry metrics, Keyring keyring) {
        this(db, json, metrics, keyring, ProjectionTransaction.PER_ROUND_TRIP);
    }

    /**
     * The same, sending at most {@code perRoundTrip} statements to PostgreSQL at a time; 1 sends each
     * on its own, as before the batch's statements were sent together (for the projection benchmark).
     */
    public DbRunProjection(DataSource db, ObjectMapper json, MeterRegistry metrics, Keyring keyring, int perRoundTrip) {
        if (perRoundTrip < 1) {
            throw new IllegalArgumentException("perRoundTrip must be at least 1, not " + perRoundTrip);
        }
        this.perRoundTrip = perRoundTrip;
        this.db = db;
        this.keyring = keyring;
        this.json = json;
        this.metrics = metrics;
        this.lag = new ProjectionLag(db);
    }

    @Override
    public void apply(ProjectionChange[] changes) {
        try {
            write(changes);
        } catch (SQLException | RuntimeException e) {
            Set<String> runs = Arrays.stream(changes).map(ProjectionChange::runId)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("projection_write_failed run_id={} changes={} reason=\"{}\"", String.join(",", runs),
                    changes.length, reason.replace('\n', ' '));
            lag.failing(runs, reason);
            // retryable: the interpreter backs off and sends the batch again
            throw ApplicationFailure.newFailure("projection write failed: " + reason, "ProjectionWriteFailed");
        }
    }

    @Override
    public long applyTimed(ProjectionChange[] changes) {
        return RunProjectionHandler.timed(this, changes);
    }

    private void write(ProjectionChange[] changes) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            ProjectionTransaction batch = new ProjectionTransaction(c, json, metrics, keyring, perRoundTrip);
            try {
                batch.apply(changes);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                c.rollback();
                throw e;
            }
            batch.committed();
        }
    }
}
