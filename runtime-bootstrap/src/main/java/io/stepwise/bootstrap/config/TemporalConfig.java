package io.stepwise.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.stepwise.core.runtime.RuntimeContract;

/** Where Temporal is and which task queue authored runs use; read by both services. */
@ConfigMapping(prefix = "stepwise.temporal")
public interface TemporalConfig {

    /** host:port of the Temporal frontend. Env: {@code STEPWISE_TEMPORAL_TARGET}. */
    @WithDefault("127.0.0.1:7233")
    String target();

    @WithDefault("default")
    String namespace();

    /**
     * The authored-workflow task queue. The only way to rename it: producer and worker both read
     * this key, so they cannot disagree (ARCHITECTURE.md, "The runtime contract").
     */
    @WithDefault(RuntimeContract.DEFAULT_TASK_QUEUE)
    String taskQueue();

    /** How long one call to Temporal may take, retries included, before the caller gives up. */
    @WithDefault("10s")
    java.time.Duration rpcTimeout();

    /** How often a broken connection's reconnect backoff starts again from its shortest wait. */
    @WithDefault("10s")
    java.time.Duration reconnectBackoffReset();

    /**
     * After a call finds Temporal unreachable, how long the api-server stops waiting on it: launches
     * stay PENDING at once and the reconciler retries after this pause.
     */
    @WithDefault("2s")
    java.time.Duration outagePause();

    /**
     * gRPC compression of calls to Temporal: {@code gzip} (the SDK's default; saves bandwidth to a
     * remote cluster) or {@code none} (saves CPU when Temporal is on the same host, as in ./run.sh).
     */
    @WithDefault("gzip")
    String compression();
}
