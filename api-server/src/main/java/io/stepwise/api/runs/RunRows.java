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

    static RunViews.Step step(Tuple t, ObjectMapper json) {
        return new RunViews.Step(t.get("path", String.class), t.get("step_id", String.class), t.get("uses", String.class),
                StepStatus.valueOf(t.get("status", String.class)), number(t, "attempts"), time(t, "started_at"),
                time(t, "finished_at"), tree(json, t, "output"), tree(json, t, "error"));
    }

    static RunViews.Wait waitOf(Tuple t) {
        return new RunViews.Wait(t.get("step_path", String.class), t.get("kind", String.class),
                t.get("event", String.class), StoredJson.decode(t.get("correlation_key", String.class)),
                t.get("status", String.class), time(t, "due_at"));
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
