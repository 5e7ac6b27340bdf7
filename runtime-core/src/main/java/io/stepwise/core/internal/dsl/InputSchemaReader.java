package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.InputSchema;
import io.stepwise.core.dsl.InputType;
import io.stepwise.core.internal.yaml.Paths;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the {@code inputs} map: each input's schema, its default checked against it. */
final class InputSchemaReader {
    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final Violations violations;
    private final FieldReader fields;

    InputSchemaReader(Violations violations, FieldReader fields) {
        this.violations = violations;
        this.fields = fields;
    }

    Map<String, InputSchema> inputs(JsonNode root) {
        JsonNode node = root.get("inputs");
        Map<String, InputSchema> inputs = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return inputs;
        }
        if (!node.isObject()) {
            violations.atValue("inputs", "'inputs' must be a map of input name to schema");
            return inputs;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = Paths.key("inputs", e.getKey());
            if (!INPUT_NAME.matcher(e.getKey()).matches()) {
                violations.atKey(path, "input name '" + e.getKey() + "' must match [A-Za-z_][A-Za-z0-9_]*");
                continue;
            }
            InputSchema schema = inputSchema(e.getKey(), e.getValue(), path);
            if (schema != null) {
                inputs.put(e.getKey(), schema);
            }
        }
        return inputs;
    }

    private InputSchema inputSchema(String name, JsonNode node, String path) {
        if (!node.isObject()) {
            violations.atValue(path, "input '" + name + "' must be a schema map such as { type: string }");
            return null;
        }
        fields.allowOnly(node, path, Vocabulary.INPUT);
        int before = violations.count();
        InputType type = null;
        String typeText = fields.requiredText(node, path, "type");
        if (typeText != null) {
            try {
                type = InputType.valueOf(typeText.toUpperCase(Locale.ROOT));
                if (!typeText.equals(type.label())) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException ex) {
                violations.atValue(Paths.key(path, "type"), "unknown type '" + typeText
                        + "'; use string, integer, number, boolean, object or array");
            }
        }
        boolean required = fields.bool(node, path, "required", false);
        boolean secret = fields.bool(node, path, "secret", false);
        String description = fields.optionalText(node, path, "description");
        BigDecimal minimum = number(node, path, "minimum", type);
        BigDecimal maximum = number(node, path, "maximum", type);
        if (minimum != null && maximum != null && minimum.compareTo(maximum) > 0) {
            violations.atValue(Paths.key(path, "maximum"), "'maximum' is less than 'minimum'");
        }
        Pattern pattern = pattern(node.get("pattern"), Paths.key(path, "pattern"), type);
        List<JsonNode> allowed = new ArrayList<>();
        JsonNode en = node.get("enum");
        if (en != null) {
            if (!en.isArray() || en.isEmpty()) {
                violations.atValue(Paths.key(path, "enum"), "'enum' must be a non-empty list of allowed values");
            } else {
                for (int i = 0; i < en.size(); i++) {
                    JsonNode v = en.get(i);
                    if (type != null && !type.accepts(v)) {
                        violations.atValue(Paths.index(Paths.key(path, "enum"), i), "enum value " + v
                                + " is not of type " + type.label());
                    }
                    allowed.add(v);
                }
            }
        }
        JsonNode def = node.get("default");
        if (violations.count() > before || type == null) {
            return null;
        }
        InputSchema schema = new InputSchema(name, type, required, def, List.copyOf(allowed), minimum, maximum,
                pattern, secret, description);
        if (def != null) {
            for (String problem : InputRules.problems(schema, def)) {
                violations.atValue(Paths.key(path, "default"), "default " + problem);
            }
        }
        return schema;
    }

    private Pattern pattern(JsonNode p, String path, InputType type) {
        if (p == null) {
            return null;
        }
        if (!p.isTextual()) {
            violations.atValue(path, "'pattern' must be a regular expression string");
        } else if (type != null && type != InputType.STRING) {
            violations.atValue(path, "'pattern' applies to string inputs only");
        } else {
            try {
                return Pattern.compile(p.textValue());
            } catch (PatternSyntaxException ex) {
                violations.atValue(path, "invalid regular expression: " + ex.getDescription() + " near index " + ex.getIndex());
            }
        }
        return null;
    }

    private BigDecimal number(JsonNode node, String path, String field, InputType type) {
        JsonNode n = node.get(field);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            violations.atValue(Paths.key(path, field), "'" + field + "' must be a number");
            return null;
        }
        if (type != null && type != InputType.INTEGER && type != InputType.NUMBER) {
            violations.atValue(Paths.key(path, field), "'" + field + "' applies to integer and number inputs only");
            return null;
        }
        return n.decimalValue();
    }
}
