package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.Durations;
import io.stepwise.core.expr.Template;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an action accepts under {@code with}, checked when a definition loads. Values that hold an
 * expression are known only at run time, so only their presence is checked.
 */
public final class WithRules {

    /** A problem in a {@code with} block: the field (relative to {@code with}), what kind, what is wrong. */
    public record Problem(String field, Cause cause, String message) {
    }

    /** What kind of problem: the reader points at the field's key or at its value by it. */
    public enum Cause { UNKNOWN_FIELD, MISSING, INVALID_VALUE, SHAPE }

    /** One declared field, as the JSON Schema describes it. */
    public record FieldRule(String name, Kind kind, boolean required, Set<String> choices) {
    }

    /** The kinds of value a field can take. */
    public enum Kind { STRING, OBJECT, ANY, DURATION, INSTANT, STATUS_CODES, BOOLEAN, POSITIVE_INTEGER }

    private record Field(Kind kind, boolean required, Set<String> choices) {
    }

    /** Whether any {@code with} is accepted (no declared fields). */
    public boolean open() {
        return open;
    }

    /** The declared fields in declaration order. */
    public List<FieldRule> declared() {
        return fields.entrySet().stream().map(e -> new FieldRule(e.getKey(), e.getValue().kind(),
                e.getValue().required(), e.getValue().choices())).toList();
    }

    /** The groups of which exactly one field must be present. */
    public List<List<String>> exactlyOneGroups() {
        return List.copyOf(exactlyOne);
    }

    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final List<List<String>> exactlyOne = new ArrayList<>();
    private final boolean open;

    private WithRules(boolean open) {
        this.open = open;
    }

    /** Accepts any {@code with}. */
    public static WithRules anything() {
        return new WithRules(true);
    }

    /** Accepts only the fields declared next; {@code with} must be an object when present. */
    public static WithRules fields() {
        return new WithRules(false);
    }

    public WithRules required(String name, Kind kind) {
        fields.put(name, new Field(kind, true, Set.of()));
        return this;
    }

    public WithRules optional(String name, Kind kind) {
        fields.put(name, new Field(kind, false, Set.of()));
        return this;
    }

    public WithRules requiredChoice(String name, String... choices) {
        fields.put(name, new Field(Kind.STRING, true, Set.of(choices)));
        return this;
    }

    public WithRules optionalChoice(String name, String... choices) {
        fields.put(name, new Field(Kind.STRING, false, Set.of(choices)));
        return this;
    }

    /** Exactly one of these (optional) fields must be present. */
    public WithRules exactlyOneOf(String... names) {
        exactlyOne.add(List.of(names));
        return this;
    }

    public List<Problem> check(JsonNode with) {
        List<Problem> problems = new ArrayList<>();
        if (open) {
            return problems;
        }
        boolean absent = with == null || with.isNull() || with.isMissingNode();
        if (!absent && !with.isObject()) {
            problems.add(new Problem("", Cause.SHAPE, "'with' must be a map of fields"));
            return problems;
        }
        for (Map.Entry<String, Field> e : fields.entrySet()) {
            JsonNode value = absent ? null : with.get(e.getKey());
            if (value == null || value.isNull()) {
                if (e.getValue().required()) {
                    problems.add(new Problem(e.getKey(), Cause.MISSING, "'" + e.getKey() + "' is required"));
                }
            } else {
                checkValue(e.getKey(), e.getValue(), value, problems);
            }
        }
        if (!absent) {
            with.fieldNames().forEachRemaining(name -> {
                if (!fields.containsKey(name)) {
                    problems.add(new Problem(name, Cause.UNKNOWN_FIELD, "unknown field '" + name + "' (allowed: "
                            + String.join(", ", fields.keySet()) + ")"));
                }
            });
        }
        for (List<String> group : exactlyOne) {
            long present = absent ? 0 : group.stream().filter(n -> with.hasNonNull(n)).count();
            if (present != 1) {
                problems.add(new Problem("", Cause.MISSING, "exactly one of " + String.join(", ", group) + " is required"));
            }
        }
        return problems;
    }

    private static void checkValue(String name, Field field, JsonNode value, List<Problem> problems) {
        if (value.isTextual() && Template.containsExpression(value.textValue())) {
            return;
        }
        switch (field.kind()) {
            case STRING -> {
                if (!value.isTextual()) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be a string"));
                } else if (!field.choices().isEmpty() && !field.choices().contains(value.textValue())) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + value.textValue() + "' is not one of "
                            + String.join(", ", field.choices().stream().sorted().toList())));
                }
            }
            case OBJECT -> {
                if (!value.isObject()) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be a map"));
                }
            }
            case DURATION -> {
                if (!value.isTextual()) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be a duration such as 30s"));
                } else {
                    try {
                        Duration d = Durations.parse(value.textValue());
                        if (d.isZero() || d.isNegative()) {
                            problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be longer than zero"));
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(new Problem(name, Cause.INVALID_VALUE, e.getMessage()));
                    }
                }
            }
            case INSTANT -> {
                try {
                    Instant.parse(value.asText());
                } catch (DateTimeParseException e) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + value.asText()
                            + "' is not an ISO-8601 instant such as 2026-11-22T10:00:00Z"));
                }
            }
            case STATUS_CODES -> {
                boolean ok = value.isArray() && !value.isEmpty();
                for (JsonNode code : value) {
                    ok &= code.isIntegralNumber() && code.asInt() >= 100 && code.asInt() <= 599;
                }
                if (!ok) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be a non-empty list of HTTP status codes (100-599)"));
                }
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be true or false"));
                }
            }
            case POSITIVE_INTEGER -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
                    problems.add(new Problem(name, Cause.INVALID_VALUE, "'" + name + "' must be a whole number, at least 1"));
                }
            }
            case ANY -> {
            }
        }
    }
}
