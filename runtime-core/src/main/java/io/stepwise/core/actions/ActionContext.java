package io.stepwise.core.actions;

/** Where an action runs: for log lines and idempotency keys. */
public record ActionContext(String runId, String stepPath, int attempt) {
}
