package io.stepwise.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the packs live and whether file changes trigger a resync. */
@ConfigMapping(prefix = "stepwise.packs")
public interface PacksConfig {

    /** The packs root: {@code <root>/<pack>/workflows/*.yaml}. Env: {@code STEPWISE_PACKS_DIR}. */
    @WithDefault("deploy/packs")
    String dir();

    /** Resync when a file under the packs root changes. */
    @WithDefault("false")
    boolean watch();

    /** Resync once when the server starts. */
    @WithDefault("true")
    boolean resyncOnStart();
}
