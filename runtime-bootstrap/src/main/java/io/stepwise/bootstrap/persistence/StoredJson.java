package io.stepwise.bootstrap.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * PostgreSQL can't store U+0000 in {@code text} or {@code jsonb}, yet an HTTP response or a
 * signal payload may hold one. Values written to the database go through {@link #encode}, values
 * read back through {@link #decode}: U+0000 is stored as U+E000 '0', and U+E000 itself as
 * U+E000 U+E000, so every string (keys included) reads back exactly as it was written.
 */
public final class StoredJson {
    static final char ESCAPE = '\uE000';
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StoredJson() {
    }

    public static String encode(String text) {
        if (text == null || (text.indexOf('\0') < 0 && text.indexOf(ESCAPE) < 0)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                out.append(ESCAPE).append('0');
            } else if (c == ESCAPE) {
                out.append(ESCAPE).append(ESCAPE);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static String decode(String text) {
        if (text == null || text.indexOf(ESCAPE) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESCAPE && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == '0' ? '\0' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A copy safe to store; the same node when nothing needs escaping. */
    public static JsonNode encode(JsonNode value) {
        return map(value, StoredJson::encode);
    }

    /** What {@link #encode} was given. */
    public static JsonNode decode(JsonNode value) {
        return map(value, StoredJson::decode);
    }

    private static JsonNode map(JsonNode value, UnaryOperator<String> f) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            String mapped = f.apply(value.textValue());
            return mapped.equals(value.textValue()) ? value : NODES.textNode(mapped);
        }
        if (value.isArray()) {
            ArrayNode out = null;
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                JsonNode mapped = map(item, f);
                if (mapped != item && out == null) {
                    out = NODES.arrayNode();
                    for (int j = 0; j < i; j++) {
                        out.add(value.get(j));
                    }
                }
                if (out != null) {
                    out.add(mapped);
                }
            }
            return out == null ? value : out;
        }
        if (value.isObject()) {
            ObjectNode out = null;
            int seen = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); seen++) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = f.apply(e.getKey());
                JsonNode mapped = map(e.getValue(), f);
                if ((mapped != e.getValue() || !key.equals(e.getKey())) && out == null) {
                    out = NODES.objectNode();
                    Iterator<Map.Entry<String, JsonNode>> before = value.fields();
                    for (int j = 0; j < seen; j++) {
                        Map.Entry<String, JsonNode> b = before.next();
                        out.set(b.getKey(), b.getValue());
                    }
                }
                if (out != null) {
                    out.set(key, mapped);
                }
            }
            return out == null ? value : out;
        }
        return value;
    }
}
