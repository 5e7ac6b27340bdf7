package io.stepwise.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The workflow-worker's identity and its claim on the task queue (ARCHITECTURE.md, "Queue ownership guard"). */
@ConfigMapping(prefix = "stepwise.worker")
public interface WorkerConfig {

    /** Who owns the queue; replicas of one owner share it. Env: {@code STEPWISE_WORKER_OWNER}. */
    @WithDefault("workflow-worker")
    String owner();

    /** A lease whose heartbeat is older than this is dead and can be taken over. */
    @WithDefault("30s")
    Duration leaseTtl();

    /** How often a live worker renews its lease. */
    @WithDefault("10s")
    Duration heartbeat();

    /** How long running activities may finish on shutdown after polling stops. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /**
     * Sticky execution: a run's next workflow task goes to the worker that has it cached. A real
     * Temporal server moves the task back to the normal queue when that worker is gone (after 5 s);
     * the embedded test server of the local stack never does, so a run would stay on a dead worker.
     * {@code ./run.sh} turns it off for the embedded server. Env: {@code STEPWISE_WORKER_STICKY_EXECUTION}.
     */
    @WithDefault("true")
    boolean stickyExecution();

    /**
     * Local activities (projection writes, definition loads) that run at once; each holds one
     * database connection, so keep it below the pool ({@code quarkus.datasource.jdbc.max-size}) with
     * room for the lease heartbeat and the failure recorder. Env: {@code STEPWISE_WORKER_LOCAL_ACTIVITY_SLOTS}.
     */
    @WithDefault("16")
    int localActivitySlots();

    /**
     * The most items one {@code forEach} may run over; more fail that step ({@code LimitExceeded}).
     * A run keeps the value it started with. Env: {@code STEPWISE_WORKER_MAX_FOREACH_ITEMS}.
     */
    @WithDefault("1000")
    int maxForeachItems();

    /**
     * The most events a run holds for an {@code event.wait} that has not taken them yet; the
     * api-server refuses a signal to a full run (429) and the run drops any that still arrive. A run
     * keeps the value it started with. Env: {@code STEPWISE_WORKER_MAX_BUFFERED_EVENTS}.
     */
    @WithDefault("1000")
    int maxBufferedEvents();
}
