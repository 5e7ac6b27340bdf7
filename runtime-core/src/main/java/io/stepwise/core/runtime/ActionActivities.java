package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Runs the actions with side effects: {@code http.request}, {@code log} and plug-in actions. */
@ActivityInterface
public interface ActionActivities {

    /** One action invocation; {@code with} has its expressions evaluated already. */
    record Invocation(String runId, String stepPath, int runAttempt, String uses, JsonNode with) {
    }

    /** The action's output and the activity attempt that produced it. */
    record Outcome(JsonNode output, int attempts) {
    }

    @ActivityMethod(name = "StepwiseExecuteAction")
    Outcome execute(Invocation invocation);
}
