package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;

/**
 * The variables an expression may read ({@code inputs}, {@code steps}, {@code run}, {@code item},
 * {@code index}, {@code event}), as JSON trees. Converted to CEL values once and reused.
 */
public final class Variables {
    private final Map<String, JsonNode> values;
    private Map<String, Object> activation;

    private Variables(Map<String, JsonNode> values) {
        this.values = values;
    }

    public static Variables of(Map<String, JsonNode> values) {
        return new Variables(Map.copyOf(values));
    }

    /** A copy with one variable added or replaced. */
    public Variables with(String name, JsonNode value) {
        Map<String, JsonNode> copy = new HashMap<>(values);
        copy.put(name, value);
        return new Variables(Map.copyOf(copy));
    }

    public JsonNode get(String name) {
        return values.get(name);
    }

    Map<String, Object> activation() {
        if (activation == null) {
            Map<String, Object> converted = new HashMap<>();
            values.forEach((k, v) -> converted.put(k, CelValues.fromJson(v)));
            activation = converted;
        }
        return activation;
    }
}
