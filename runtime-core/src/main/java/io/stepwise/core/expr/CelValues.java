package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.values.NullValue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between Jackson trees and the Java values the CEL runtime works on. */
final class CelValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CelValues() {
    }

    static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), fromJson(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(item -> list.add(fromJson(item)));
            return list;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        // CEL has int64 and double only: JSON integers become Long, everything else Double.
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    static JsonNode toJson(Object value) {
        if (value == null || value instanceof NullValue || value instanceof com.google.protobuf.NullValue) {
            return NODES.nullNode();
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Long || value instanceof Integer) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
            return object;
        }
        if (value instanceof Iterable<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof com.google.common.primitives.UnsignedLong u) {
            return NODES.numberNode(u.bigIntegerValue());
        }
        if (value instanceof com.google.protobuf.Timestamp t) {
            return NODES.textNode(java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
        }
        if (value instanceof com.google.protobuf.Duration d) {
            return NODES.textNode(java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()).toString());
        }
        return NODES.textNode(String.valueOf(value));
    }
}
