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
}
