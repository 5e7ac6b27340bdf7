package io.stepwise.bootstrap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.stepwise.core.actions.DestinationPolicy;
import io.stepwise.core.actions.HttpRequestPolicy;

import java.util.List;
import java.util.Optional;

/** The operator's guardrails on every {@code http.request} a worker runs (docs/operations.md, "http.request guardrails"). */
@ConfigMapping(prefix = "stepwise.http")
public interface HttpRequestConfig {

    /**
     * The largest response body a step may read, in bytes; a step's {@code with.maxResponseBytes}
     * may only lower it. Env: {@code STEPWISE_HTTP_MAX_RESPONSE_BYTES}.
     */
    @WithDefault(HttpRequestPolicy.DEFAULT_MAX_RESPONSE_BYTES_TEXT)
    long maxResponseBytes();

    /**
     * Addresses and CIDR blocks no request may reach, checked on the resolved addresses of every
     * hop. Setting it replaces the default (cloud metadata and link-local); {@code none} denies
     * nothing. Env: {@code STEPWISE_HTTP_DENY}, comma-separated.
     */
    @WithDefault(DestinationPolicy.DEFAULT_DENY_TEXT)
    List<String> deny();

    /** When set, the only addresses and CIDR blocks a request may reach. Env: {@code STEPWISE_HTTP_ALLOW}. */
    Optional<List<String>> allow();
}
