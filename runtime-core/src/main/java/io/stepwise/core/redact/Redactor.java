package io.stepwise.core.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.dsl.WorkflowDefinition;

import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides secret inputs: the inputs marked {@code secret} become {@value #REDACTED}, and so does any
 * string anywhere in a value tree or log line that equals a secret's value. Secrets of
 * {@value #MIN_EMBEDDED} or more characters are also cut out where they appear inside a longer
 * string (a header such as {@code Bearer <token>}).
 */
public final class Redactor {
    public static final String REDACTED = "[REDACTED]";
    static final int MIN_EMBEDDED = 4;
    private static final Redactor NONE = new Redactor(Set.of(), List.of());

    private final Set<String> secretNames;
    /** Longest first, so that a secret containing another is replaced whole. */
    private final List<String> secretValues;

    private Redactor(Set<String> secretNames, List<String> secretValues) {
        this.secretNames = secretNames;
        this.secretValues = secretValues;
    }

    public static Redactor none() {
        return NONE;
    }

    /** A redactor for one run: the definition says which inputs are secret, the inputs give their values. */
    public static Redactor forRun(WorkflowDefinition definition, JsonNode inputs) {
        return of(Set.copyOf(definition.secretInputs()), inputs);
    }

    public static Redactor of(Set<String> secretNames, JsonNode inputs) {
        if (secretNames.isEmpty()) {
            return NONE;
        }
        Set<String> values = new LinkedHashSet<>();
        if (inputs != null && inputs.isObject()) {
            for (String name : secretNames) {
                collect(inputs.get(name), values);
            }
        }
        List<String> sorted = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        return new Redactor(Set.copyOf(secretNames), sorted);
    }

    /**
     * Every value inside a secret input: an object's or a list's own values one by one (so
     * {@code inputs.creds.token} is covered wherever it goes alone), and the whole rendered as JSON
     * (what {@code ${inputs.creds}} becomes in a string). Booleans are not secrets of their own.
     */
    private static void collect(JsonNode value, Set<String> into) {
        if (value == null || value.isNull() || value.isBoolean()) {
            return;
        }
        if (value.isContainerNode()) {
            value.forEach(item -> collect(item, into));
            if (!value.isEmpty()) {
                into.add(value.toString());
            }
            return;
        }
        String text = value.asText();
        if (!text.isEmpty()) {
            into.add(text);
        }
    }

    /** The inputs with every secret input replaced, and any other string holding a secret redacted. */
    public JsonNode redactInputs(JsonNode inputs) {
        if (inputs == null || !inputs.isObject() || this == NONE) {
            return inputs;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), secretNames.contains(e.getKey()) && !e.getValue().isNull()
                    ? JsonNodeFactory.instance.textNode(REDACTED)
                    : redact(e.getValue()));
        }
        return out;
    }

    /** A copy of {@code value} with every secret value redacted; the input tree is not changed. */
    public JsonNode redact(JsonNode value) {
        if (value == null || secretValues.isEmpty()) {
            return value;
        }
        if (value.isTextual()) {
            String text = value.textValue();
            String redacted = redact(text);
            return redacted.equals(text) ? value : JsonNodeFactory.instance.textNode(redacted);
        }
        if (value.isValueNode()) {
            return secretValues.contains(value.asText()) ? JsonNodeFactory.instance.textNode(REDACTED) : value;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(redact(item)));
            return out;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // keys can hold secrets too (a map keyed by token)
            out.set(redact(e.getKey()), redact(e.getValue()));
        }
        return out;
    }

    /** A text (a log line, an error message) with every secret value cut out. */
    public String redact(String text) {
        if (text == null || secretValues.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secretValues) {
            if (out.equals(secret)) {
                return REDACTED;
            }
            if (secret.length() >= MIN_EMBEDDED) {
                out = out.replace(secret, REDACTED);
            }
        }
        return out;
    }
}
