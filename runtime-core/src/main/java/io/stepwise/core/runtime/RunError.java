package io.stepwise.core.runtime;

/** Why a run or a step failed: {@code {step, message, type}} (API.md). {@code step} is a step path or null. */
public record RunError(String step, String message, String type) {
}
