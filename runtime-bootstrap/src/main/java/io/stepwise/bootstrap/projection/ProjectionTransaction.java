package io.stepwise.bootstrap.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.crypto.Keyring;
import io.stepwise.core.runtime.ChangeTimes;
import io.stepwise.core.runtime.ProjectionChange;
import io.stepwise.core.runtime.RunProjectionHandler;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.StepStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One batch of changes written on one connection, in the caller's transaction. A new instance per
 * batch, so batches of different runs are written concurrently, each on its own pooled
 * connection. The batch's statements go to PostgreSQL together, up to {@value #PER_ROUND_TRIP}
 * (or the {@code perRoundTrip} given) in one round trip: one multi-statement prepared statement,
 * which PgJDBC sends in one pipeline, reading the results in order. Each used to be a round trip
 * of its own: a four-step run wrote 13 statements in 13 round trips, now 2. Every string goes through
 * {@link StoredJson#encode}: a NUL from an HTTP response or a signal payload is stored, not retried
 * forever.
 */
final class ProjectionTransaction extends RunProjectionHandler {
    private static final String TERMINAL = "('SUCCEEDED', 'FAILED', 'CANCELED')";
    private final Connection connection;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Keyring keyring;
    /** Metrics of this batch, recorded only once it commits. */
    private final List<Runnable> observations = new ArrayList<>();
    /** Each run of the batch and the time of its latest change. */
    private final Map<UUID, Timestamp> latest = new LinkedHashMap<>();
    /** The batch's statements, in the order of its changes, sent by {@link #send}. */
    private final List<Statement> statements = new ArrayList<>();
    /**
     * At most this many statements go in one round trip: a forEach of hundreds of items makes a
     * batch of hundreds of changes, and one statement's parameters are bounded (PostgreSQL's
     * protocol counts them in 16 bits).
     */
    static final int PER_ROUND_TRIP = 64;
    private final int perRoundTrip;

    /** A statement of the batch; {@code rows} reads what it returns, or is null. */
    private record Statement(String sql, Object[] params, Rows rows) {
    }

    @FunctionalInterface
    private interface Rows {
        void read(ResultSet rows) throws SQLException;
    }

    ProjectionTransaction(Connection connection, ObjectMapper json, MeterRegistry metrics, Keyring keyring,
                          int perRoundTrip) {
        this.connection = connection;
        this.perRoundTrip = perRoundTrip;
        this.keyring = keyring;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public void apply(ProjectionChange[] changes) {
        super.apply(changes);
        for (ProjectionChange c : changes) {
            latest.merge(uuid(c.runId()), ts(c.at()), (a, b) -> a.after(b) ? a : b);
        }
        latest.forEach(this::clearTroubles);
        send();
    }

    /**
     * A batch that lands ends the run's projection lag. It also ends a workflow-task failure
     * recorded before its latest change: the workflow made progress since.
     */
    private void clearTroubles(UUID runId, Timestamp latestChange) {
        update("UPDATE runs SET projection_error = NULL, projection_failing_since = NULL, "
                        + "workflow_task_failure = CASE WHEN workflow_task_failed_at < ? THEN NULL ELSE workflow_task_failure END, "
                        + "workflow_task_failed_at = CASE WHEN workflow_task_failed_at < ? THEN NULL ELSE workflow_task_failed_at END "
                        + "WHERE id = ? AND (projection_failing_since IS NOT NULL OR workflow_task_failed_at < ?)",
                latestChange, latestChange, runId, latestChange);
    }

    /** Records the batch's metrics; call after the commit. */
    void committed() {
        observations.forEach(Runnable::run);
    }

    @Override
    protected void runStarted(ProjectionChange.RunStarted c) {
        update("UPDATE runs SET status = 'RUNNING', attempt = ?, started_at = COALESCE(started_at, ?), "
                        + "finished_at = NULL, error = NULL, updated_at = now() WHERE id = ? AND attempt <= ? "
                        + "AND NOT (attempt = ? AND status IN " + TERMINAL + ")",
                c.attempt(), ts(c.at()), uuid(c.runId()), c.attempt(), c.attempt());
    }

    @Override
    protected void runFinished(ProjectionChange.RunFinished c) {
        query("UPDATE runs r SET status = ?, output = ?::jsonb, error = ?::jsonb, finished_at = ?, "
                        + "updated_at = now() FROM (SELECT id, status FROM runs WHERE id = ? FOR UPDATE) before "
                        + "WHERE r.id = before.id AND r.attempt <= ? RETURNING r.workflow_ref, before.status",
                r -> {
                    if (r.next() && !isTerminal(r.getString(2))) {
                        String workflow = r.getString(1);
                        observations.add(() -> metrics.counter("stepwise.runs.finished", "workflow", workflow,
                                "status", c.status().name()).increment());
                    }
                },
                c.status().name(), toJson(c.output()), toJson(c.error()), ts(c.at()), uuid(c.runId()), c.attempt());
        update("UPDATE waits SET status = 'CANCELED', closed_at = ? WHERE run_id = ? AND attempt = ? AND status = 'WAITING'",
                ts(c.at()), uuid(c.runId()), c.attempt());
    }

    @Override
    protected void stepStarted(ProjectionChange.StepStarted c) {
        update("INSERT INTO steps (run_id, path, attempt, step_id, uses, status, started_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, now()) ON CONFLICT (run_id, path, attempt) DO NOTHING",
                uuid(c.runId()), text(c.stepPath()), c.attempt(), text(stepId(c.stepPath())), text(c.uses()), ts(c.at()));
    }

    @Override
    protected void stepFinished(ProjectionChange.StepFinished c) {
        String sql = "WITH before AS (SELECT status FROM steps WHERE run_id = ? AND path = ? AND attempt = ?) "
                + "INSERT INTO steps (run_id, path, attempt, step_id, status, attempts, output, output_sealed, error, "
                        + "started_at, finished_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, now()) "
                        + "ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = excluded.status, "
                        + "attempts = excluded.attempts, output = excluded.output, output_sealed = excluded.output_sealed, "
                        + "error = excluded.error, "
                        + "started_at = COALESCE(steps.started_at, excluded.started_at), finished_at = excluded.finished_at, "
                        + "updated_at = now() RETURNING uses, started_at, (SELECT status FROM before)";
        query(sql, r -> {
                    if (r.next() && r.getString(1) != null && !isStepFinished(r.getString(3))) {
                        String uses = r.getString(1);
                        Duration took = Duration.ofMillis(ChangeTimes.epochMillis(c.at()) - r.getTimestamp(2).getTime());
                        observations.add(() -> metrics.timer("stepwise.step.duration", "uses", uses,
                                "status", c.status().name()).record(took));
                    }
                },
                uuid(c.runId()), text(c.stepPath()), c.attempt(),
                uuid(c.runId()), text(c.stepPath()), c.attempt(), text(stepId(c.stepPath())), c.status().name(), c.attempts(),
                toJson(c.output()), c.sealedOutput() == null ? null : keyring.sealText(toJson(c.sealedOutput())),
                toJson(c.error()), ts(c.at()), ts(c.at()));
    }

    private static boolean isTerminal(String runStatus) {
        return runStatus != null && RunStatus.valueOf(runStatus).terminal();
    }

    private static boolean isStepFinished(String stepStatus) {
        return stepStatus != null && StepStatus.valueOf(stepStatus) != StepStatus.RUNNING
                && StepStatus.valueOf(stepStatus) != StepStatus.WAITING;
    }

    @Override
    protected void waitOpened(ProjectionChange.WaitOpened c) {
        update("INSERT INTO waits (run_id, step_path, attempt, kind, event, correlation_key, correlation_key_digest, "
                        + "status, due_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'WAITING', ?, ?) "
                        + "ON CONFLICT (run_id, step_path, attempt) DO NOTHING",
                uuid(c.runId()), text(c.stepPath()), c.attempt(), c.kind(), text(c.event()), text(c.correlationKey()),
                c.secretCorrelationKey() == null ? null : keyring.digest(c.secretCorrelationKey()),
                c.dueAt() == null ? null : ts(c.dueAt()), ts(c.at()));
        update("UPDATE steps SET status = 'WAITING', updated_at = now() WHERE run_id = ? AND path = ? AND attempt = ? "
                + "AND status = 'RUNNING'", uuid(c.runId()), text(c.stepPath()), c.attempt());
        update("UPDATE runs SET status = 'WAITING', updated_at = now() WHERE id = ? AND attempt = ? AND status = 'RUNNING'",
                uuid(c.runId()), c.attempt());
    }

    @Override
    protected void waitClosed(ProjectionChange.WaitClosed c) {
        update("UPDATE waits SET status = ?, closed_at = ? WHERE run_id = ? AND step_path = ? AND attempt = ? "
                + "AND status = 'WAITING'", c.outcome(), ts(c.at()), uuid(c.runId()), text(c.stepPath()), c.attempt());
        update("UPDATE steps SET status = 'RUNNING', updated_at = now() WHERE run_id = ? AND path = ? AND attempt = ? "
                + "AND status = 'WAITING'", uuid(c.runId()), text(c.stepPath()), c.attempt());
        update("UPDATE runs SET status = 'RUNNING', updated_at = now() WHERE id = ? AND attempt = ? AND status = 'WAITING' "
                        + "AND NOT EXISTS (SELECT 1 FROM waits WHERE run_id = ? AND attempt = ? AND status = 'WAITING')",
                uuid(c.runId()), c.attempt(), uuid(c.runId()), c.attempt());
    }

    /** {@code notify-all[2].notify} → {@code notify}. */
    static String stepId(String path) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    private void update(String sql, Object... params) {
        statements.add(new Statement(sql, params, null));
    }

    /** A statement that returns rows (UPDATE/INSERT ... RETURNING), read by {@code rows} once it has run. */
    private void query(String sql, Rows rows, Object... params) {
        statements.add(new Statement(sql, params, rows));
    }

    /** Sends the batch's statements in order, {@link #perRoundTrip} to a round trip, and reads their results. */
    private void send() {
        for (int from = 0; from < statements.size(); from += perRoundTrip) {
            List<Statement> part = statements.subList(from, Math.min(statements.size(), from + perRoundTrip));
            StringBuilder sql = new StringBuilder();
            for (Statement statement : part) {
                sql.append(sql.isEmpty() ? "" : ";\n").append(statement.sql());
            }
            try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (Statement statement : part) {
                    for (Object param : statement.params()) {
                        s.setObject(index++, param);
                    }
                }
                boolean rows = s.execute();
                for (Statement statement : part) {
                    if (rows && statement.rows() != null) {
                        statement.rows().read(s.getResultSet());
                    }
                    rows = s.getMoreResults();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        statements.clear();
    }

    private static String text(String value) {
        return StoredJson.encode(value);
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(StoredJson.encode(json.valueToTree(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID uuid(String id) {
        return UUID.fromString(id);
    }

    private static Timestamp ts(String instant) {
        return new Timestamp(ChangeTimes.epochMillis(instant));
    }
}
