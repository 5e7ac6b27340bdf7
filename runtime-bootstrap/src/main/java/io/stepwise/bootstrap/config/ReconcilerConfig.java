package io.stepwise.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The api-server's reconciler: how often it looks, and how long a run may sit before it is looked at. */
@ConfigMapping(prefix = "stepwise.reconciler")
public interface ReconcilerConfig {

    @WithDefault("true")
    boolean enabled();

    @WithDefault("3s")
    Duration interval();

    /** A run updated more recently than this is left alone (its launch or worker may still be busy). */
    @WithDefault("2s")
    Duration grace();
}
