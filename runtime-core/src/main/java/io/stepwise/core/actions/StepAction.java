package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pluggable action, run as a Temporal activity by the worker. Implementations are found with
 * {@link java.util.ServiceLoader}: list them in {@code META-INF/services/io.stepwise.core.actions.StepAction}.
 * Names are {@code <namespace>.<action>} and may not reuse a built-in name.
 */
public interface StepAction {

    /** The name used in {@code uses:}, e.g. {@code slack.post}. */
    String name();

    /** What {@code with} may hold; checked when a definition loads. */
    default WithRules rules() {
        return WithRules.anything();
    }

    /**
     * Performs the action. {@code with} has every expression evaluated. Throw to fail the step;
     * the step's retry policy applies.
     */
    JsonNode execute(ActionContext context, JsonNode with) throws Exception;
}
