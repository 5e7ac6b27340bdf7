package io.stepwise.core.runtime;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.redact.Redactor;

/**
 * One transition of a run, as the interpreter reports it to {@link RunProjection}. Every change
 * is keyed by (run id, step path, attempt), so applying it twice is the same as applying it once.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "change")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ProjectionChange.RunStarted.class, name = "runStarted"),
        @JsonSubTypes.Type(value = ProjectionChange.RunFinished.class, name = "runFinished"),
        @JsonSubTypes.Type(value = ProjectionChange.StepStarted.class, name = "stepStarted"),
        @JsonSubTypes.Type(value = ProjectionChange.StepFinished.class, name = "stepFinished"),
        @JsonSubTypes.Type(value = ProjectionChange.WaitOpened.class, name = "waitOpened"),
        @JsonSubTypes.Type(value = ProjectionChange.WaitClosed.class, name = "waitClosed")})
public sealed interface ProjectionChange {

    String runId();

    int attempt();

    /** When the interpreter saw the transition (workflow time, ISO-8601). */
    String at();

    /**
     * The change as the database may hold it: secret values cut out of outputs, errors and
     * correlation keys (docs/security.md). Values are redacted when written, not only when read.
     */
    default ProjectionChange redactedBy(Redactor redactor) {
        return this;
    }

    record RunStarted(String runId, int attempt, String at) implements ProjectionChange {
    }

    record RunFinished(String runId, int attempt, String at, RunStatus status, JsonNode output, RunError error)
            implements ProjectionChange {
        @Override
        public ProjectionChange redactedBy(Redactor redactor) {
            return new RunFinished(runId, attempt, at, status, redactor.redact(output), RunError.redacted(error, redactor));
        }
    }

    record StepStarted(String runId, int attempt, String at, String stepPath, String uses) implements ProjectionChange {
    }

    /**
     * {@code attempts} is how many times the action ran, activity retries included. {@code
     * sealedOutput} is set only on a redacted change whose output held a secret: the raw output, which
     * the projection stores encrypted for a resume to hand on, never in clear.
     */
    record StepFinished(String runId, int attempt, String at, String stepPath, StepStatus status, JsonNode output,
                        RunError error, int attempts, JsonNode sealedOutput) implements ProjectionChange {
        @JsonCreator
        public StepFinished {
            // JSON null reads back as a NullNode: no sealed output is null, never a sealed "null"
            sealedOutput = sealedOutput == null || sealedOutput.isNull() ? null : sealedOutput;
        }

        public StepFinished(String runId, int attempt, String at, String stepPath, StepStatus status, JsonNode output,
                            RunError error, int attempts) {
            this(runId, attempt, at, stepPath, status, output, error, attempts, null);
        }

        @Override
        public ProjectionChange redactedBy(Redactor redactor) {
            JsonNode shown = redactor.redact(output);
            return new StepFinished(runId, attempt, at, stepPath, status, shown, RunError.redacted(error, redactor),
                    attempts, shown == output || shown.equals(output) ? null : output);
        }
    }

    /** {@code kind} is TIMER or EVENT; {@code dueAt} is an ISO-8601 instant or null. */
    /**
     * {@code secretCorrelationKey} is set only on a redacted change whose key held a secret: the raw
     * key, which the projection stores as a keyed digest so that events still find the wait.
     */
    record WaitOpened(String runId, int attempt, String at, String stepPath, String kind, String event,
                      String correlationKey, String dueAt, String secretCorrelationKey) implements ProjectionChange {
        @JsonCreator
        public WaitOpened {
        }

        public WaitOpened(String runId, int attempt, String at, String stepPath, String kind, String event,
                          String correlationKey, String dueAt) {
            this(runId, attempt, at, stepPath, kind, event, correlationKey, dueAt, null);
        }

        @Override
        public ProjectionChange redactedBy(Redactor redactor) {
            String shown = redactor.redact(correlationKey);
            return new WaitOpened(runId, attempt, at, stepPath, kind, event, shown, dueAt,
                    java.util.Objects.equals(shown, correlationKey) ? null : correlationKey);
        }
    }

    /** {@code outcome} is SIGNALED, ELAPSED, TIMED_OUT or CANCELED. */
    record WaitClosed(String runId, int attempt, String at, String stepPath, String outcome) implements ProjectionChange {
    }
}
