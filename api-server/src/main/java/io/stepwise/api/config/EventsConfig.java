package io.stepwise.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How far one event may reach, and how long a signal waits to learn whether its run can keep it. */
@ConfigMapping(prefix = "stepwise.events")
public interface EventsConfig {

    /**
     * The most waiting runs one {@code POST /events} may signal; an event that matches more is
     * refused (409) before any run is signaled or any trigger launches. Env: {@code STEPWISE_EVENTS_MAX_FAN_OUT}.
     */
    @WithDefault("1000")
    int maxFanOut();

    /**
     * How long {@code POST /runs/{id}/signals} asks the run whether its event buffer has room
     * before it sends; a run that does not answer in time (no worker) gets the signal anyway.
     */
    @WithDefault("2s")
    Duration bufferCheckTimeout();
}
