package io.stepwise.core.dsl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/** The JSON types an input may have. */
public enum InputType {
    STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean accepts(JsonNode value) {
        return switch (this) {
            case STRING -> value.isTextual();
            case INTEGER -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case NUMBER -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
            case OBJECT -> value.isObject();
            case ARRAY -> value.isArray();
        };
    }

    /** The JSON type name of a value, for messages. */
    public static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isTextual()) {
            return "string";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        return value.isArray() ? "array" : "object";
    }
}
