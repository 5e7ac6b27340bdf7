package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.InputSchema;
import io.stepwise.core.dsl.InputType;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What is wrong with one value for one input schema: type, enum, range, pattern. Shared by defaults and launch inputs. */
public final class InputRules {
    private InputRules() {
    }

    /** Problems, each phrased to follow the value's name ("must be an integer, not string"). */
    public static List<String> problems(InputSchema schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        if (value == null || value.isNull()) {
            problems.add("must be " + article(schema.type()) + ", not null");
            return problems;
        }
        if (!schema.type().accepts(value)) {
            problems.add("must be " + article(schema.type()) + ", not " + InputType.describe(value));
            return problems;
        }
        if (!schema.allowed().isEmpty() && schema.allowed().stream().noneMatch(a -> sameValue(a, value))) {
            problems.add("must be one of " + schema.allowed().stream().map(JsonNode::toString)
                    .collect(Collectors.joining(", ")) + ", not " + value);
        }
        if (value.isNumber()) {
            if (schema.minimum() != null && value.decimalValue().compareTo(schema.minimum()) < 0) {
                problems.add("must be at least " + schema.minimum().toPlainString() + ", not " + value);
            }
            if (schema.maximum() != null && value.decimalValue().compareTo(schema.maximum()) > 0) {
                problems.add("must be at most " + schema.maximum().toPlainString() + ", not " + value);
            }
        }
        if (schema.pattern() != null && value.isTextual() && !schema.pattern().matcher(value.textValue()).matches()) {
            problems.add("must match the pattern " + schema.pattern().pattern());
        }
        return problems;
    }

    /** A copy of an accepted value in its schema's form: an integer written as 3.0 becomes 3. */
    public static JsonNode normalize(InputSchema schema, JsonNode value) {
        if (schema.type() == InputType.INTEGER && value.isNumber() && !value.isIntegralNumber()) {
            java.math.BigInteger exact = value.decimalValue().toBigIntegerExact();
            return exact.bitLength() < 64
                    ? com.fasterxml.jackson.databind.node.LongNode.valueOf(exact.longValue())
                    : com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(exact);
        }
        return value.deepCopy();
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static String article(InputType type) {
        return switch (type) {
            case INTEGER, OBJECT, ARRAY -> "an " + type.label();
            default -> "a " + type.label();
        };
    }
}
