package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.Durations;

import java.time.Duration;

/**
 * Reads the values a step needs out of its evaluated {@code with}. An expression can yield a value
 * the step can't use ({@code with.timeout: ${{ inputs.t }}} with t = "soon"); that fails the step
 * with {@link InvalidStepArgument}, never the workflow task.
 */
final class StepArguments {

    /** A value in {@code with} that the step can't use; the message names the field. */
    static final class InvalidStepArgument extends RuntimeException {
        InvalidStepArgument(String message) {
            super(message, null, false, false);
        }
    }

    private StepArguments() {
    }

    /** {@code with.<field>} as a duration longer than zero, or null when the field is absent or null. */
    static Duration positiveDuration(JsonNode with, String field) {
        JsonNode value = with == null ? null : with.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String name = "with." + field;
        if (!value.isTextual()) {
            throw new InvalidStepArgument(name + ": " + value + " is not a duration; write e.g. 30s, 10m or 1h30m");
        }
        Duration d;
        try {
            d = Durations.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidStepArgument(name + ": " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new InvalidStepArgument(name + ": '" + value.textValue() + "' must be longer than zero");
        }
        return d;
    }
}
