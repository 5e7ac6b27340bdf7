package io.stepwise.core.runtime;

import io.temporal.activity.ActivityExecutionContext;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats an activity while a long call blocks its thread, so that Temporal notices a dead
 * worker after the heartbeat timeout instead of the whole start-to-close timeout and retries the
 * activity on another worker. The SDK throttles and sends heartbeats itself; it accepts them from
 * any thread.
 */
final class ActivityHeartbeat implements AutoCloseable {
    /** How often a running call says it is alive; well inside {@link ActionOptions#HTTP_HEARTBEAT_TIMEOUT}. */
    static final Duration EVERY = Duration.ofSeconds(3);
    private static final ScheduledExecutorService BEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stepwise-activity-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledFuture<?> beating;

    private ActivityHeartbeat(ActivityExecutionContext context) {
        this.beating = BEATS.scheduleAtFixedRate(() -> beat(context), 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    static ActivityHeartbeat start(ActivityExecutionContext context) {
        return new ActivityHeartbeat(context);
    }

    private static void beat(ActivityExecutionContext context) {
        try {
            context.heartbeat(null);
        } catch (RuntimeException canceledOrGone) {
            // the activity was canceled or timed out: the call itself ends on its own timeout
        }
    }

    @Override
    public void close() {
        beating.cancel(false);
    }
}
