package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.bootstrap.persistence.SqlTimes;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.StepStatus;
import jakarta.persistence.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rows of the runs read side, each mapped from a native query's named columns in one place.
 * Every JSON value goes through {@link StoredJson#decode}, so what the worker escaped reads back as it was.
 */
final class RunRows {
    private RunRows() {
    }

    /** The columns every run query selects for the stuck reason, by these names. */
    static final String FACT_COLUMNS = "r.id, r.status, r.started_in_temporal, r.created_at, r.updated_at, "
            + "r.execution_state, r.reconciled_at, r.workflow_task_failure, r.workflow_task_failed_at, "
            + "r.projection_error, r.projection_failing_since";

    /** What the database knows about why a run may make no progress. */
    record Facts(UUID id, RunStatus status, boolean startedInTemporal, Instant createdAt, Instant updatedAt,
                 String executionState, Instant reconciledAt, String workflowTaskFailure, Instant workflowTaskFailedAt,
                 String projectionError, Instant projectionFailingSince) {
        static Facts of(Tuple t) {
            return new Facts(t.get("id", UUID.class), RunStatus.valueOf(t.get("status", String.class)),
                    Boolean.TRUE.equals(t.get("started_in_temporal")), time(t, "created_at"), time(t, "updated_at"),
                    t.get("execution_state", String.class), time(t, "reconciled_at"),
                    StoredJson.decode(t.get("workflow_task_failure", String.class)), time(t, "workflow_task_failed_at"),
                    StoredJson.decode(t.get("projection_error", String.class)), time(t, "projection_failing_since"));
        }
    }

    /** One run with its version, for the run document. */
    record Document(Facts facts, String workflowRef, UUID versionId, int versionSeq, int attempt, String executionKey,
                    JsonNode inputsRedacted, JsonNode output, JsonNode error, UUID replayOf, Instant startedAt,
                    Instant finishedAt, JsonNode storedInputs, String secretInputs, JsonNode inputSchemas) {
        static Document of(Tuple t, ObjectMapper json) {
            return new Document(Facts.of(t), t.get("workflow_ref", String.class), t.get("version_id", UUID.class),
                    number(t, "seq"), number(t, "attempt"), t.get("execution_key", String.class),
                    tree(json, t, "inputs_redacted"), tree(json, t, "output"), tree(json, t, "error"),
                    t.get("replay_of", UUID.class), time(t, "started_at"), time(t, "finished_at"),
                    tree(json, t, "inputs"), t.get("secret_inputs", String.class), tree(json, t, "input_schemas"));
        }
    }

    /** A line of the run list. */
    record Summary(Facts facts, String workflowRef, int attempt, String executionKey, Instant startedAt,
                   Instant finishedAt) {
        static Summary of(Tuple t) {
            return new Summary(Facts.of(t), t.get("workflow_ref", String.class), number(t, "attempt"),
                    t.get("execution_key", String.class), time(t, "started_at"), time(t, "finished_at"));
        }

        RunViews.Summary view() {
            return new RunViews.Summary(facts.id().toString(), workflowRef, facts.status(), attempt, executionKey,
                    facts.createdAt(), startedAt, finishedAt);
        }
    }

    /**
     * The newest attempt of each of a run's steps as one JSON array of rows (a scalar subquery over
     * {@code r}): times as epoch microseconds, JSON values wrapped in a one-element array so that SQL
     * NULL (no value) stays apart from a stored JSON null.
     */
    static final String STEP_ROWS = "(SELECT json_agg(json_build_array(s.path, s.step_id, s.uses, s.status, s.attempts, "
            + micros("s.started_at") + ", " + micros("s.finished_at") + ", " + wrapped("s.output") + ", "
            + wrapped("s.error") + ")) FROM (SELECT DISTINCT ON (path) * FROM steps WHERE run_id = r.id"
            + " ORDER BY path, attempt DESC) s)::text";

    /** The waits of the run's current attempt, in the order they opened, as one JSON array of rows. */
    static final String WAIT_ROWS = "(SELECT json_agg(json_build_array(w.step_path, w.kind, w.event, w.correlation_key, "
            + "w.status, " + micros("w.due_at") + ") ORDER BY w.opened_at, w.step_path)"
            + " FROM waits w WHERE w.run_id = r.id AND w.attempt = r.attempt)::text";

    /** The ids of the runs replayed from this one, newest first, as one JSON array. */
    static final String REPLAYED_BY = "(SELECT json_agg(x.id ORDER BY x.created_at DESC, x.id DESC)"
            + " FROM runs x WHERE x.replay_of = r.id)::text";

    private static String micros(String column) {
        return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
    }

    private static String wrapped(String column) {
        return "CASE WHEN " + column + " IS NULL THEN NULL ELSE jsonb_build_array(" + column + ") END";
    }

    static List<RunViews.Step> steps(ObjectMapper json, Tuple t, String column) {
        List<RunViews.Step> steps = new ArrayList<>();
        for (JsonNode row : rows(json, t, column)) {
            steps.add(new RunViews.Step(row.get(0).asText(), row.get(1).asText(), text(row.get(2)),
                    StepStatus.valueOf(row.get(3).asText()), row.get(4).asInt(), micros(row.get(5)),
                    micros(row.get(6)), unwrapped(row.get(7)), unwrapped(row.get(8))));
        }
        return steps;
    }

    static List<RunViews.Wait> waits(ObjectMapper json, Tuple t, String column) {
        List<RunViews.Wait> waits = new ArrayList<>();
        for (JsonNode row : rows(json, t, column)) {
            waits.add(new RunViews.Wait(row.get(0).asText(), row.get(1).asText(), text(row.get(2)),
                    StoredJson.decode(text(row.get(3))), row.get(4).asText(), micros(row.get(5))));
        }
        return waits;
    }

    static List<String> ids(ObjectMapper json, Tuple t, String column) {
        List<String> ids = new ArrayList<>();
        rows(json, t, column).forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static JsonNode rows(ObjectMapper json, Tuple t, String column) {
        JsonNode rows = tree(json, t, column);
        return rows == null ? json.createArrayNode() : rows;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Instant micros(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.EPOCH.plus(node.asLong(), ChronoUnit.MICROS);
    }

    private static JsonNode unwrapped(JsonNode node) {
        return node == null || node.isNull() ? null : StoredJson.decode(node.get(0));
    }

    static Instant time(Tuple t, String column) {
        return SqlTimes.instant(t.get(column));
    }

    static int number(Tuple t, String column) {
        return t.get(column, Number.class).intValue();
    }

    /** A jsonb column selected as {@code <column>::text AS <column>}. */
    static JsonNode tree(ObjectMapper json, Tuple t, String column) {
        String text = t.get(column, String.class);
        try {
            return text == null ? null : StoredJson.decode(json.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON does not read", e);
        }
    }
}
