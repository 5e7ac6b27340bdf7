package io.stepwise.core.actions;

/**
 * What the operator allows every {@code http.request} on a worker: the largest response body it
 * reads ({@code stepwise.http.max-response-bytes}; a step may ask for less) and where it may connect.
 */
public record HttpRequestPolicy(long maxResponseBytes, DestinationPolicy destinations) {
    public static final String MAX_RESPONSE_BYTES_SETTING = "stepwise.http.max-response-bytes";
    public static final String DEFAULT_MAX_RESPONSE_BYTES_TEXT = "1048576";
    public static final long DEFAULT_MAX_RESPONSE_BYTES = Long.parseLong(DEFAULT_MAX_RESPONSE_BYTES_TEXT);

    public HttpRequestPolicy {
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException(MAX_RESPONSE_BYTES_SETTING + " must be at least 1, not " + maxResponseBytes);
        }
    }

    /** 1 MiB and {@link DestinationPolicy#defaults()}. */
    public static HttpRequestPolicy defaults() {
        return new HttpRequestPolicy(DEFAULT_MAX_RESPONSE_BYTES, DestinationPolicy.defaults());
    }

    /** One line for the worker's start-up log. */
    public String describe() {
        return "http_max_response_bytes=" + maxResponseBytes + " http_destinations=\"" + destinations + "\"";
    }
}
