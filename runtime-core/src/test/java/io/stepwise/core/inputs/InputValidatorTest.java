package io.stepwise.core.inputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.expr.ExpressionException;
import io.stepwise.core.expr.Expressions;
import io.stepwise.core.expr.Variables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InputValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorkflowDefinition DEFINITION = load("""
            apiVersion: stepwise/v1
            kind: Workflow
            name: launch
            inputs:
              ticketId: { type: string, required: true, pattern: "[A-Z]+-[0-9]+" }
              priority: { type: integer, default: 3, minimum: 1, maximum: 5 }
              level:    { type: string, enum: [low, high], default: low }
              ratio:    { type: number, minimum: 0, maximum: 1 }
              enabled:  { type: boolean }
              tags:     { type: array }
              meta:     { type: object }
              size:     { type: integer, enum: [1, 2, 3], maximum: 2 }
            steps:
              - id: a
                uses: noop
            """);

    private static WorkflowDefinition load(String yaml) {
        LoadResult result = new WorkflowParser().parse(yaml);
        assertThat(result.violations()).isEmpty();
        return result.definition();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Same JSON as serialized (3 and 3L are one value; 3 and 3.0 are not). */
    private static void assertSameJson(JsonNode actual, String expected) {
        assertThat(actual.toString()).isEqualTo(json(expected).toString());
    }

    private static InputValidator.Result validate(String inputs) {
        return InputValidator.validate(DEFINITION, json(inputs));
    }

    private static Violation onlyViolation(InputValidator.Result result) {
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).hasSize(1);
        return result.violations().get(0);
    }

    @Test
    void aValidLaunchReturnsTheValuesWithDefaultsInDeclarationOrder() {
        InputValidator.Result result = validate("""
                {"enabled": true, "ticketId": "ABC-12", "tags": ["x"], "meta": {"k": "v"}, "ratio": 0.5}""");
        assertThat(result.valid()).isTrue();
        assertThat(result.violations()).isEmpty();
        assertSameJson(result.values(), """
                {"ticketId": "ABC-12", "priority": 3, "level": "low", "ratio": 0.5, "enabled": true,
                 "tags": ["x"], "meta": {"k": "v"}}""");
        List<String> order = new ArrayList<>();
        result.values().fieldNames().forEachRemaining(order::add);
        assertThat(order).containsExactly("ticketId", "priority", "level", "ratio", "enabled", "tags", "meta");
    }

    @Test
    void givenValuesOverrideDefaultsAndNullMeansAbsent() {
        InputValidator.Result result = validate("""
                {"ticketId": "ABC-1", "priority": 5, "level": null}""");
        assertThat(result.valid()).isTrue();
        assertThat(result.values().get("priority").intValue()).isEqualTo(5);
        assertThat(result.values().get("level").textValue()).isEqualTo("low");
        // optional inputs without a default are left out, not set to null
        assertThat(result.values().has("enabled")).isFalse();
    }

    @Test
    void noInputsAtAllStillAppliesDefaultsAndReportsRequiredOnes() {
        for (JsonNode none : new JsonNode[]{null, NullNode.getInstance(), json("{}")}) {
            InputValidator.Result result = InputValidator.validate(DEFINITION, none);
            Violation v = onlyViolation(result);
            assertThat(v.path()).isEqualTo("ticketId");
            assertThat(v.message()).contains("required").contains("ticketId");
            assertThat(result.values().get("priority").intValue()).isEqualTo(3);
        }
    }

    @Test
    void theDefaultIsACopyThatLaunchesCannotShare() {
        WorkflowDefinition def = load("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: copies
                inputs:
                  opts: { type: object, default: { retries: 1 } }
                steps:
                  - id: a
                    uses: noop
                """);
        InputValidator.Result first = InputValidator.validate(def, json("{}"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) first.values().get("opts")).put("retries", 99);
        InputValidator.Result second = InputValidator.validate(def, json("{}"));
        assertSameJson(second.values().get("opts"), "{\"retries\": 1}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing required   | {}                                           | ticketId | required input 'ticketId' is missing
            unknown input      | {"ticketId": "A-1", "colour": "red"}         | colour   | unknown input 'colour'
            wrong type         | {"ticketId": "A-1", "priority": "high"}      | priority | must be an integer, not string
            not an integer     | {"ticketId": "A-1", "priority": 2.5}         | priority | must be an integer, not number
            wrong type boolean | {"ticketId": "A-1", "enabled": "yes"}        | enabled  | must be a boolean, not string
            wrong type array   | {"ticketId": "A-1", "tags": "x"}             | tags     | must be an array, not string
            wrong type object  | {"ticketId": "A-1", "meta": [1]}             | meta     | must be an object, not array
            string for number  | {"ticketId": 12}                             | ticketId | must be a string, not integer
            below minimum      | {"ticketId": "A-1", "priority": 0}           | priority | must be at least 1
            above maximum      | {"ticketId": "A-1", "priority": 6}           | priority | must be at most 5
            number above max   | {"ticketId": "A-1", "ratio": 1.5}            | ratio    | must be at most 1
            number below min   | {"ticketId": "A-1", "ratio": -0.1}           | ratio    | must be at least 0
            pattern mismatch   | {"ticketId": "abc-1"}                        | ticketId | must match the pattern [A-Z]+-[0-9]+
            pattern is whole   | {"ticketId": "XA-1x"}                        | ticketId | must match the pattern
            not in enum        | {"ticketId": "A-1", "level": "medium"}       | level    | must be one of "low", "high"
            """)
    void eachProblemIsExactlyOneViolationAtTheFieldName(String label, String inputs, String path, String message) {
        Violation v = onlyViolation(validate(inputs));
        assertThat(v.path()).isEqualTo(path);
        assertThat(v.message()).contains(message);
        assertThat(v.line()).isNull();
        assertThat(v.column()).isNull();
    }

    @Test
    void boundariesAreInclusive() {
        assertThat(validate("{\"ticketId\": \"A-1\", \"priority\": 1}").valid()).isTrue();
        assertThat(validate("{\"ticketId\": \"A-1\", \"priority\": 5}").valid()).isTrue();
        assertThat(validate("{\"ticketId\": \"A-1\", \"ratio\": 0}").valid()).isTrue();
        assertThat(validate("{\"ticketId\": \"A-1\", \"ratio\": 1.0}").valid()).isTrue();
    }

    @Test
    void severalProblemsGiveOneViolationPerField() {
        InputValidator.Result result = validate("""
                {"priority": 9, "level": "mid", "enabled": 1, "colour": "red", "shade": "dark"}""");
        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("ticketId", "priority", "level", "enabled", "colour", "shade");
    }

    @Test
    void aFieldBreakingTwoRulesIsStillOneViolationNamingBoth() {
        // size: enum [1, 2, 3], maximum 2
        Violation v = onlyViolation(validate("{\"ticketId\": \"A-1\", \"size\": 7}"));
        assertThat(v.path()).isEqualTo("size");
        assertThat(v.message()).contains("must be one of 1, 2, 3").contains("must be at most 2");
    }

    @Test
    void anIntegerWrittenAsThreePointZeroIsAcceptedForAnInteger() {
        InputValidator.Result result = validate("{\"ticketId\": \"A-1\", \"priority\": 3.0, \"size\": 2.0}");
        assertThat(result.violations()).isEmpty();
        assertThat(result.values().get("priority").decimalValue()).isEqualByComparingTo("3");
        assertThat(result.values().get("size").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void anIntegerWrittenAsThreePointZeroReachesExpressionsAsAnInteger() throws ExpressionException {
        InputValidator.Result result = validate("{\"ticketId\": \"A-1\", \"priority\": 3.0}");
        assertThat(result.valid()).isTrue();
        assertThat(result.values().get("priority").isIntegralNumber()).isTrue();
        JsonNode next = Expressions.compile("inputs.priority + 1")
                .evaluate(Variables.of(Map.of("inputs", result.values())));
        assertThat(next.longValue()).isEqualTo(4);
    }

    @Test
    void enumMembershipComparesNumbersByValue() {
        assertThat(validate("{\"ticketId\": \"A-1\", \"size\": 2.0}").valid()).isTrue();
        assertThat(validate("{\"ticketId\": \"A-1\", \"size\": 3}").violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("at most 2"));
    }

    @Test
    void inputsThatAreNotAnObjectAreOneViolation() {
        InputValidator.Result result = InputValidator.validate(DEFINITION, json("[\"ABC-1\"]"));
        Violation v = onlyViolation(result);
        assertThat(v.path()).isEqualTo("inputs");
        assertThat(v.message()).contains("JSON object");
        assertThat(result.values().isEmpty()).isTrue();
    }

    @Test
    void aWorkflowWithoutInputsRejectsAnyInputAndSaysSo() {
        WorkflowDefinition none = load("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: none
                steps:
                  - id: a
                    uses: noop
                """);
        assertThat(InputValidator.validate(none, json("{}")).valid()).isTrue();
        Violation v = onlyViolation(InputValidator.validate(none, json("{\"x\": 1}")));
        assertThat(v.path()).isEqualTo("x");
        assertThat(v.message()).contains("takes no inputs");
    }

    @Test
    void theGivenInputsAreNotChanged() {
        JsonNode given = json("{\"ticketId\": \"ABC-1\", \"meta\": {\"a\": 1}}");
        JsonNode before = given.deepCopy();
        InputValidator.Result result = InputValidator.validate(DEFINITION, given);
        ((com.fasterxml.jackson.databind.node.ObjectNode) result.values().get("meta")).put("a", 2);
        assertThat(given).isEqualTo(before);
    }

    @org.junit.jupiter.api.Test
    void aProblemWithASecretInputNeverRepeatsItsValue() throws Exception {
        var definition = new io.stepwise.core.dsl.WorkflowParser().parse("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: s
                inputs:
                  pin: { type: string, secret: true, enum: [one, two] }
                steps:
                  - id: a
                    uses: noop
                """).definition();

        var result = InputValidator.validate(definition, new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"pin\": \"hunter2-secret\"}"));

        org.assertj.core.api.Assertions.assertThat(result.violations()).singleElement().satisfies(v -> {
            org.assertj.core.api.Assertions.assertThat(v.path()).isEqualTo("pin");
            org.assertj.core.api.Assertions.assertThat(v.message()).contains("must be one of", "[REDACTED]").doesNotContain("hunter2-secret");
        });
    }
}
