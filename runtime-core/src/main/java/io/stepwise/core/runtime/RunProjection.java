package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Writes what a run is doing to the store the API reads. Called by the interpreter at every
 * transition, as local activities. Every write is idempotent by (run id, step path, attempt):
 * a retried call changes nothing more.
 */
@ActivityInterface
public interface RunProjection {

    @ActivityMethod(name = "StepwiseRunStarted")
    void runStarted(String runId, int attempt);

    @ActivityMethod(name = "StepwiseRunFinished")
    void runFinished(String runId, int attempt, RunStatus status, JsonNode output, RunError error);

    @ActivityMethod(name = "StepwiseStepStarted")
    void stepStarted(String runId, String stepPath, String uses, int attempt);

    /** {@code attempts} is how many times the action ran (activity retries included). */
    @ActivityMethod(name = "StepwiseStepFinished")
    void stepFinished(String runId, String stepPath, int attempt, StepStatus status, JsonNode output, RunError error,
                      int attempts);

    /** {@code kind} is TIMER or EVENT; {@code dueAt} is an ISO-8601 instant or null. */
    @ActivityMethod(name = "StepwiseWaitOpened")
    void waitOpened(String runId, String stepPath, int attempt, String kind, String event, String correlationKey,
                    String dueAt);

    /** {@code outcome} is SIGNALED, ELAPSED, TIMED_OUT or CANCELED. */
    @ActivityMethod(name = "StepwiseWaitClosed")
    void waitClosed(String runId, String stepPath, int attempt, String outcome);
}
