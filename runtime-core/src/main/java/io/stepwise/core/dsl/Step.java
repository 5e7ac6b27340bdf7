package io.stepwise.core.dsl;

import io.stepwise.core.expr.Template;

import java.time.Duration;

/**
 * One step: an action ({@code uses}) or a loop ({@code forEach}), never both.
 *
 * @param with    the action's arguments with expressions compiled; a literal null when absent
 * @param when    condition; null means always
 * @param timeout step timeout, or null for the action's default
 * @param retry   retry policy, or null for the action's default
 */
public record Step(
        String id,
        String name,
        String uses,
        Template with,
        Template when,
        Duration timeout,
        RetryPolicy retry,
        boolean continueOnError,
        ForEach forEach) {

    public boolean isLoop() {
        return forEach != null;
    }
}
