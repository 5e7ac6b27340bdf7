package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.config.ReconcilerConfig;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.persistence.SqlTimes;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings the database and Temporal in line, every few seconds, on one api-server replica at a time:
 * a session-level advisory lock, on a connection of its own, is held for the whole pass. A pass
 * looks at every active run past the grace period that it has not looked at since the pass began
 * (and, for a run quiet at its last look, not before it has been quiet as long again: {@link #MAX_LOOK_INTERVAL}),
 * the ones looked at longest ago first, so no run waits behind others however many there are.
 * PENDING runs whose start never happened are started (the starter re-checks, so a canceled run
 * stays canceled); for the others Temporal is asked, what it says is stamped on the run
 * ({@code reconciled_at}, {@code execution_state}, which the stuck reason reads), and a closed
 * execution whose final projection never came is settled with the status Temporal reports. Each
 * pass also stamps who Temporal sees polling the workflow queue ({@link QueuePollers}).
 * Temporal is only called between transactions, never inside one.
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    static final long LOCK_KEY = 0x5354_4550_5245_434FL;
    static final int BATCH = 100;
    /** A pass stops after this many runs; the next pass goes on with the ones looked at longest ago. */
    static final int MAX_PER_PASS = 2000;
    /**
     * A run the last look found quiet for a time Q is looked at again Q later (at least the grace,
     * at most this): a busy run that went quiet is seen within seconds, a run waiting for days costs
     * one Temporal call every 30 s instead of one every pass, and a backlog of queued runs is not
     * described again on every pass while it drains.
     */
    static final Duration MAX_LOOK_INTERVAL = Duration.ofSeconds(30);

    /** What one pass did; {@code ran} is false when another replica held the lock or Temporal was down. */
    public record Pass(boolean ran, int looked, int started, int settled) {
        static final Pass SKIPPED = new Pass(false, 0, 0, 0);
    }

    /** An active run due a look. */
    private record Due(UUID id, RunStatus status, int attempt, boolean startedInTemporal) {
        static Due of(Tuple t) {
            return new Due(t.get("id", UUID.class), RunStatus.valueOf(t.get("status", String.class)),
                    t.get("attempt", Number.class).intValue(), Boolean.TRUE.equals(t.get("started_in_temporal")));
        }
    }

    private final EntityManager em;
    private final DataSource dataSource;
    private final TemporalRuns temporal;
    private final RunStarter starter;
    private final ReconcilerConfig config;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final QueuePollers pollers;
    private final TemporalConfig temporalConfig;
    private ScheduledExecutorService timer;

    public Reconciler(EntityManager em, DataSource dataSource, TemporalRuns temporal, RunStarter starter,
                      ReconcilerConfig config, ObjectMapper json, MeterRegistry metrics, QueuePollers pollers,
                      TemporalConfig temporalConfig) {
        this.pollers = pollers;
        this.temporalConfig = temporalConfig;
        this.em = em;
        this.dataSource = dataSource;
        this.temporal = temporal;
        this.starter = starter;
        this.config = config;
        this.json = json;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stepwise-reconciler");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::safePass, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void safePass() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warnf("reconciler_pass_failed reason=%s", e.getMessage());
        }
    }

    /** One pass, if this replica gets the lock and Temporal is not known to be down. */
    public Pass pass() {
        if (temporal.down()) {
            return Pass.SKIPPED;
        }
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(true);
            if (!advisory(lock, "SELECT pg_try_advisory_lock(?)")) {
                return Pass.SKIPPED;
            }
            try {
                pollers.record(temporalConfig.taskQueue(), temporal.pollers(temporalConfig.taskQueue()));
                return lookAtDueRuns();
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reconciler lock: " + e.getMessage(), e);
        }
    }

    private static boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, LOCK_KEY);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    private Pass lookAtDueRuns() {
        OffsetDateTime passStart = QuarkusTransaction.requiringNew().call(() ->
                SqlTimes.offset(em.createNativeQuery("SELECT now()").getSingleResult()));
        int looked = 0;
        int started = 0;
        int settled = 0;
        while (looked < MAX_PER_PASS) {
            List<Due> batch = QuarkusTransaction.requiringNew().call(() -> due(passStart));
            for (Due run : batch) {
                if (temporal.down()) {
                    return new Pass(true, looked, started, settled); // the rest waits for Temporal to answer again
                }
                looked++;
                try {
                    if (!run.startedInTemporal() && run.status() == RunStatus.PENDING) {
                        if (starter.start(run.id())) {
                            LOG.infof("reconciler_started run_id=%s", run.id());
                            metrics.counter("stepwise.reconciler.actions", "action", "started").increment();
                            started++;
                        }
                        stamp(run, null);
                    } else {
                        ExecutionState state = temporal.describe(run.id());
                        stamp(run, state);
                        if (state instanceof ExecutionState.Closed closed && settle(run.id(), run.attempt(), closed)) {
                            metrics.counter("stepwise.reconciler.actions", "action", "settled").increment();
                            settled++;
                        }
                    }
                } catch (ApiException.Unavailable e) {
                    return new Pass(true, looked, started, settled);
                } catch (RuntimeException e) {
                    LOG.warnf("reconciler_look_failed run_id=%s reason=%s", run.id(), e.getMessage());
                    stamp(run, null);
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
        }
        return new Pass(true, looked, started, settled);
    }

    @SuppressWarnings("unchecked")
    private List<Due> due(OffsetDateTime passStart) {
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT id, status, attempt, started_in_temporal FROM runs
                        WHERE status IN ('PENDING', 'RUNNING', 'WAITING')
                          AND updated_at < now() - make_interval(secs => :grace)
                          AND (reconciled_at IS NULL OR (reconciled_at < :passStart
                            AND reconciled_at < now() - LEAST(GREATEST(reconciled_at - updated_at,
                                make_interval(secs => :grace)), make_interval(secs => :maxLook))))
                        ORDER BY reconciled_at NULLS FIRST, id LIMIT :batch""", Tuple.class)
                .setParameter("grace", (double) config.grace().toMillis() / 1000)
                .setParameter("maxLook", (double) MAX_LOOK_INTERVAL.toSeconds())
                .setParameter("passStart", passStart).setParameter("batch", BATCH).getResultList();
        return rows.stream().map(Due::of).toList();
    }

    /** Records the look; the state only while the run is still the attempt that was looked at. */
    private void stamp(Due run, ExecutionState state) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (state == null) {
                em.createNativeQuery("UPDATE runs SET reconciled_at = now() WHERE id = :id")
                        .setParameter("id", run.id()).executeUpdate();
            } else {
                em.createNativeQuery("UPDATE runs SET reconciled_at = now(), execution_state = :state WHERE id = :id "
                                + "AND attempt = :attempt AND started_in_temporal")
                        .setParameter("id", run.id()).setParameter("attempt", run.attempt())
                        .setParameter("state", state.stored()).executeUpdate();
            }
        });
    }

    /**
     * A run active here whose execution closed without its final projection (terminated, timed
     * out, or the worker's last write lost): the status Temporal reports is written, unless the
     * run has moved to another attempt since. Answers whether it wrote something.
     */
    public boolean settle(UUID runId, int attempt, ExecutionState.Closed closed) {
        RunStatus status;
        String errorType;
        switch (closed.status()) {
            case WORKFLOW_EXECUTION_STATUS_COMPLETED -> {
                status = RunStatus.SUCCEEDED;
                errorType = null;
            }
            case WORKFLOW_EXECUTION_STATUS_CANCELED -> {
                status = RunStatus.CANCELED;
                errorType = "Canceled";
            }
            case WORKFLOW_EXECUTION_STATUS_TERMINATED -> {
                status = RunStatus.FAILED;
                errorType = "Terminated";
            }
            case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> {
                status = RunStatus.FAILED;
                errorType = "ExecutionTimedOut";
            }
            default -> {
                status = RunStatus.FAILED;
                errorType = "ExecutionFailed";
            }
        }
        String error = errorType == null ? null : json.createObjectNode().putNull("step")
                .put("message", "the execution closed as " + closed.label() + " without a final projection")
                .put("type", errorType).toString();
        int updated = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        UPDATE runs SET status = :status, error = CAST(:error AS jsonb), finished_at = now(),
                               execution_state = 'CLOSED', updated_at = now()
                        WHERE id = :id AND attempt = :attempt AND started_in_temporal
                          AND status IN ('PENDING', 'RUNNING', 'WAITING')""")
                .setParameter("attempt", attempt).setParameter("status", status.name()).setParameter("error", error).setParameter("id", runId)
                .executeUpdate());
        if (updated > 0) {
            LOG.infof("reconciler_settled run_id=%s status=%s temporal=%s", runId, status, closed.label());
        }
        return updated > 0;
    }

}
