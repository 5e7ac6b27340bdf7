package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** A step outcome kept from an earlier attempt: SUCCEEDED or SKIPPED, and its output. */
public record RecordedStep(StepStatus status, JsonNode output) {
}
