package io.stepwise.core.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

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

    record RunStarted(String runId, int attempt, String at) implements ProjectionChange {
    }

    record RunFinished(String runId, int attempt, String at, RunStatus status, JsonNode output, RunError error)
            implements ProjectionChange {
    }

    record StepStarted(String runId, int attempt, String at, String stepPath, String uses) implements ProjectionChange {
    }

    /** {@code attempts} is how many times the action ran, activity retries included. */
    record StepFinished(String runId, int attempt, String at, String stepPath, StepStatus status, JsonNode output,
                        RunError error, int attempts) implements ProjectionChange {
    }

    /** {@code kind} is TIMER or EVENT; {@code dueAt} is an ISO-8601 instant or null. */
    record WaitOpened(String runId, int attempt, String at, String stepPath, String kind, String event,
                      String correlationKey, String dueAt) implements ProjectionChange {
    }

    /** {@code outcome} is SIGNALED, ELAPSED, TIMED_OUT or CANCELED. */
    record WaitClosed(String runId, int attempt, String at, String stepPath, String outcome) implements ProjectionChange {
    }
}
