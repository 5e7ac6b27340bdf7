package io.stepwise.core.runtime;

/** Why a run or a step failed: {@code {step, message, type}} (API.md). {@code step} is a step path or null. */
public record RunError(String step, String message, String type) {

    /** The error with secret values cut out of its message; null stays null. */
    public static RunError redacted(RunError error, io.stepwise.core.redact.Redactor redactor) {
        return error == null ? null : new RunError(error.step(), redactor.redact(error.message()), error.type());
    }
}
