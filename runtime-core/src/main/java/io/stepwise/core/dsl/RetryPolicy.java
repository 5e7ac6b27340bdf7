package io.stepwise.core.dsl;

import java.time.Duration;

/** How often and how fast a failed step is retried; null fields take the runtime's defaults. */
public record RetryPolicy(Integer maxAttempts, Duration initialInterval, Double backoffCoefficient, Duration maxInterval) {
}
