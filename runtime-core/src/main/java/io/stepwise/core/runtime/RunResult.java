package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** How a run execution ended. */
public record RunResult(RunStatus status, JsonNode output, RunError error) {
}
