package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.Durations;
import io.stepwise.core.internal.yaml.Paths;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the scalar fields every map of the language has (text, booleans, durations, lists) and refuses unknown ones. */
final class FieldReader {
    private final Violations violations;

    FieldReader(Violations violations) {
        this.violations = violations;
    }

    /** Every field of {@code node} not in {@code allowed} is a violation, with the closest known name. */
    void allowOnly(JsonNode node, String path, List<Vocabulary.Field> allowed) {
        List<String> names = Vocabulary.names(allowed);
        node.fieldNames().forEachRemaining(field -> {
            if (!names.contains(field)) {
                String hint = Suggestions.closest(field, names).map(s -> "; did you mean '" + s + "'?")
                        .orElse(" (allowed: " + String.join(", ", names) + ")");
                violations.atKey(Paths.key(path, field), "unknown field '" + field + "'" + hint);
            }
        });
    }

    String requiredText(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            violations.missing(path, field, "'" + field + "' is required");
            return null;
        }
        return text(value, Paths.key(path, field), field);
    }

    String text(JsonNode value, String path, String field) {
        if (!value.isTextual()) {
            violations.atValue(path, "'" + field + "' must be a string");
            return null;
        }
        return value.textValue();
    }

    String optionalText(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(value, Paths.key(path, field), field);
    }

    /** A label such as {@code version: 1.2} may be written as a number; keep it as written. */
    String optionalScalarText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            violations.atValue(field, "'" + field + "' must be a string");
            return null;
        }
        return value.asText();
    }

    boolean bool(JsonNode node, String path, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            violations.atValue(Paths.key(path, field), "'" + field + "' must be true or false");
            return fallback;
        }
        return value.booleanValue();
    }

    List<String> stringList(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (!value.isArray()) {
            violations.atValue(field, "'" + field + "' must be a list of strings");
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                violations.atValue(Paths.index(field, i), "'" + field + "' must be a list of strings");
            } else {
                out.add(value.get(i).textValue());
            }
        }
        return List.copyOf(out);
    }

    Duration duration(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String at = Paths.key(path, field);
        if (!value.isTextual()) {
            violations.atValue(at, "'" + field + "' must be a duration such as 30s, 10m or 1h30m");
            return null;
        }
        try {
            Duration d = Durations.parse(value.textValue());
            if (d.isZero() || d.isNegative()) {
                violations.atValue(at, "'" + field + "' must be longer than zero");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            violations.atValue(at, e.getMessage());
            return null;
        }
    }
}
