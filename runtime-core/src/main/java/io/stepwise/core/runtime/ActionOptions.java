package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.dsl.RetryPolicy;
import io.stepwise.core.dsl.Step;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;

import java.time.Duration;

/**
 * How an action step's {@code timeout}, {@code retry} and {@code with.timeout} become the options
 * of its activity (docs/interpreter.md, "Steps"), and how many attempts a failed one made.
 */
final class ActionOptions {
    /** Default start-to-close timeout of an action with no {@code timeout} of its own. */
    static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofMinutes(1);
    /** Default retry of an action with no {@code retry}: three attempts, backing off from 1s. */
    static final RetryOptions DEFAULT_ACTION_RETRY = RetryOptions.newBuilder()
            .setMaximumAttempts(3).setInitialInterval(Duration.ofSeconds(1)).setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofSeconds(30)).build();

    /**
     * An http.request heartbeats while it runs (ActivityHeartbeat): when its worker dies, the
     * request is retried elsewhere after this, not after its whole start-to-close timeout.
     */
    static final Duration HTTP_HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * A timed-out activity reports no attempt count of its own (the action never returned): when
     * Temporal stopped because the attempts ran out, it ran as many times as the policy allows.
     */
    static int attemptsOf(ActivityFailure failure, ActivityOptions options) {
        int max = options.getRetryOptions() == null ? 0 : options.getRetryOptions().getMaximumAttempts();
        if (failure.getRetryState() == RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED && max > 0) {
            return max;
        }
        return 1;
    }

    /** The activity options of an action step, its {@code with} already evaluated. */
    static ActivityOptions of(Step step, JsonNode with) {
        boolean http = ActionCatalog.HTTP_REQUEST.equals(step.uses());
        // checked here even when the step's own timeout wins: a bad value fails the step at once,
        // not three attempts of the action later
        Duration perAttempt = http || with.path("timeout").isTextual() ? StepArguments.positiveDuration(with, "timeout") : null;
        Duration timeout = step.timeout();
        if (timeout == null && perAttempt != null) {
            // an http.request timeout bounds each attempt; leave the activity a little more
            timeout = perAttempt.plusSeconds(5);
        }
        ActivityOptions.Builder options = ActivityOptions.newBuilder()
                .setStartToCloseTimeout(timeout == null ? DEFAULT_ACTION_TIMEOUT : timeout)
                .setRetryOptions(retryOptions(step.retry()));
        if (http) {
            options.setHeartbeatTimeout(HTTP_HEARTBEAT_TIMEOUT);
        }
        return options.build();
    }

    private static RetryOptions retryOptions(RetryPolicy retry) {
        if (retry == null) {
            return DEFAULT_ACTION_RETRY;
        }
        RetryOptions.Builder b = RetryOptions.newBuilder(DEFAULT_ACTION_RETRY);
        if (retry.maxAttempts() != null) {
            b.setMaximumAttempts(retry.maxAttempts());
        }
        if (retry.initialInterval() != null) {
            b.setInitialInterval(retry.initialInterval());
            if (retry.maxInterval() == null && retry.initialInterval().compareTo(DEFAULT_ACTION_RETRY.getMaximumInterval()) > 0) {
                b.setMaximumInterval(retry.initialInterval());
            }
        }
        if (retry.backoffCoefficient() != null) {
            b.setBackoffCoefficient(retry.backoffCoefficient());
        }
        if (retry.maxInterval() != null) {
            b.setMaximumInterval(retry.maxInterval());
        }
        return b.build();
    }
}
