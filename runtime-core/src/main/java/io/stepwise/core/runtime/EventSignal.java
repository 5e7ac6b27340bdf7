package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** An event delivered to a run; an {@code event.wait} consumes the first one that matches. */
public record EventSignal(String event, String correlationKey, JsonNode payload) {
}
