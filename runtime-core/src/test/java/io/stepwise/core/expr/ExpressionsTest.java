package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ExpressionsTest {
    /** CEL integers are int64: parse expected integers as longs so trees compare equal. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** The variables a step deep inside a run would see. */
    private static Variables runVariables() {
        return Variables.of(Map.of(
                "inputs", json("""
                        {"ticketId": "T-42", "priority": 3, "ratio": 0.25, "enabled": true,
                         "optional": null, "tags": ["a", "b"], "meta": {"team": "ops"}}"""),
                "steps", json("""
                        {"fetch": {"output": {"status": 200, "body": {"id": 7, "owner": "kim"}},
                                   "status": "SUCCEEDED"},
                         "notify-all": {"output": [{"ok": true}, {"ok": false}], "status": "SUCCEEDED"}}"""),
                "run", json("""
                        {"id": "run-1", "workflow": "support.escalate-ticket", "attempt": 2}"""),
                "item", json("""
                        {"channel": "ops-alerts"}"""),
                "index", json("4")));
    }

    private static JsonNode eval(String source) throws ExpressionException {
        return Expressions.compile(source).evaluate(runVariables());
    }

    private static JsonNode eval(String source, Variables variables) throws ExpressionException {
        return Expressions.compile(source).evaluate(variables);
    }

    private static Template template(String text) {
        List<Template.Problem> problems = new ArrayList<>();
        Template template = Template.compile(TextNode.valueOf(text), problems);
        assertThat(problems).as("problems compiling %s", text).isEmpty();
        return template;
    }

    private static JsonNode render(String text) throws ExpressionException {
        return template(text).evaluate(runVariables());
    }

    private static List<Template.Problem> problemsOf(String text) {
        List<Template.Problem> problems = new ArrayList<>();
        Template.compile(TextNode.valueOf(text), problems);
        return problems;
    }

    @Nested
    class TypedResults {
        @Test
        void integerArithmeticStaysAnInteger() throws Exception {
            JsonNode sum = eval("1 + 2");
            assertThat(sum.isIntegralNumber()).isTrue();
            assertThat(sum.longValue()).isEqualTo(3);

            JsonNode doubled = eval("inputs.priority * 2");
            assertThat(doubled.isIntegralNumber()).isTrue();
            assertThat(doubled.longValue()).isEqualTo(6);

            // integer division, not 3.5
            assertThat(eval("7 / 2")).isEqualTo(json("3"));
        }

        @Test
        void doublesStayDoubles() throws Exception {
            JsonNode product = eval("1.5 * 2.0");
            assertThat(product.isDouble()).isTrue();
            assertThat(product.doubleValue()).isEqualTo(3.0);
            assertThat(product.toString()).isEqualTo("3.0");

            JsonNode ratio = eval("inputs.ratio");
            assertThat(ratio.isDouble()).isTrue();
            assertThat(ratio.doubleValue()).isEqualTo(0.25);
        }

        @Test
        void stringsAndBooleans() throws Exception {
            assertThat(eval("'ab' + 'cd'")).isEqualTo(TextNode.valueOf("abcd"));
            assertThat(eval("inputs.ticketId.startsWith('T-')").isBoolean()).isTrue();
            assertThat(eval("inputs.ticketId.startsWith('T-')").booleanValue()).isTrue();
            assertThat(eval("inputs.priority >= 4 || inputs.enabled == false").booleanValue()).isFalse();
        }

        @Test
        void listsAndMapsBecomeJsonArraysAndObjects() throws Exception {
            assertThat(eval("[1, 'two', true, null, 2.5]")).isEqualTo(json("[1, \"two\", true, null, 2.5]"));
            assertThat(eval("{'a': 1, 'b': [2, 3], 'c': {'d': 'e'}}"))
                    .isEqualTo(json("{\"a\": 1, \"b\": [2, 3], \"c\": {\"d\": \"e\"}}"));
            assertThat(eval("inputs.tags + ['c']")).isEqualTo(json("[\"a\", \"b\", \"c\"]"));
            assertThat(eval("inputs.meta")).isEqualTo(json("{\"team\": \"ops\"}"));
        }

        @Test
        void nullIsJsonNull() throws Exception {
            assertThat(eval("null").isNull()).isTrue();
            assertThat(eval("inputs.optional").isNull()).isTrue();
            assertThat(eval("inputs.optional == null").booleanValue()).isTrue();
        }
    }

    @Nested
    class Templates {
        @Test
        void aStringThatIsExactlyOneExpressionKeepsTheExpressionsType() throws Exception {
            JsonNode priority = render("${{ inputs.priority }}");
            assertThat(priority.isIntegralNumber()).isTrue();
            assertThat(priority.longValue()).isEqualTo(3);
            assertThat(render("${{ inputs.ratio }}").isDouble()).isTrue();
            assertThat(render("${{ inputs.enabled }}").isBoolean()).isTrue();
            assertThat(render("${{ inputs.tags }}")).isEqualTo(json("[\"a\", \"b\"]"));
            assertThat(render("${{ inputs.meta }}")).isEqualTo(json("{\"team\": \"ops\"}"));
            assertThat(render("${{ inputs.optional }}").isNull()).isTrue();
            assertThat(render("${{inputs.priority}}")).isEqualTo(json("3"));
        }

        @Test
        void textAroundAnExpressionInterpolatesIntoAString() throws Exception {
            assertThat(render("P${{ inputs.priority }}")).isEqualTo(TextNode.valueOf("P3"));
            assertThat(render("https://t.example/api/${{ inputs.ticketId }}/x"))
                    .isEqualTo(TextNode.valueOf("https://t.example/api/T-42/x"));
            assertThat(render("ratio ${{ inputs.ratio }}, on ${{ inputs.enabled }}"))
                    .isEqualTo(TextNode.valueOf("ratio 0.25, on true"));
            // two expressions next to each other are text, not the number 37
            JsonNode joined = render("${{ 3 }}${{ 7 }}");
            assertThat(joined.isTextual()).isTrue();
            assertThat(joined.textValue()).isEqualTo("37");
            // a single leading space makes it interpolation
            assertThat(render(" ${{ 1 }}")).isEqualTo(TextNode.valueOf(" 1"));
        }

        @Test
        void nullInterpolatesAsEmpty() throws Exception {
            assertThat(render("a${{ inputs.optional }}b")).isEqualTo(TextNode.valueOf("ab"));
            assertThat(render("[${{ null }}]")).isEqualTo(TextNode.valueOf("[]"));
        }

        @Test
        void mapsAndListsInterpolateAsJson() throws Exception {
            assertThat(render("meta=${{ inputs.meta }}").textValue()).isEqualTo("meta={\"team\":\"ops\"}");
            assertThat(render("l=${{ [1, 'x', null] }}").textValue()).isEqualTo("l=[1,\"x\",null]");
            // strings are inserted as they are, without JSON quotes
            assertThat(render("id=${{ inputs.ticketId }}").textValue()).isEqualTo("id=T-42");
        }

        @Test
        void aStringWithoutAnExpressionIsALiteral() throws Exception {
            Template t = template("plain {{ text }} and $ and }}");
            assertThat(t.isLiteral()).isTrue();
            assertThat(t.evaluate(runVariables())).isEqualTo(TextNode.valueOf("plain {{ text }} and $ and }}"));
        }

        @Test
        void nestedBracesInsideAnExpression() throws Exception {
            assertThat(render("${{ {'a': 1}.a }}")).isEqualTo(json("1"));
            assertThat(render("${{ {'a': {'b': 2}}.a.b }}")).isEqualTo(json("2"));
            assertThat(render("x${{ {'k': 'v'}['k'] }}y")).isEqualTo(TextNode.valueOf("xvy"));
            assertThat(render("${{ {'a': 1} }}")).isEqualTo(json("{\"a\": 1}"));
        }

        @Test
        void closingBracesInsideAStringLiteralDoNotEndTheExpression() throws Exception {
            assertThat(render("${{ 'a}}b' }}")).isEqualTo(TextNode.valueOf("a}}b"));
            assertThat(render("${{ \"x}}\" + 'y' }}")).isEqualTo(TextNode.valueOf("x}}y"));
            assertThat(render("${{ 'it\\'s }}' }}")).isEqualTo(TextNode.valueOf("it's }}"));
        }

        @Test
        void objectsAndArraysEvaluateEveryExpressionInside() throws Exception {
            List<Template.Problem> problems = new ArrayList<>();
            Template t = Template.compile(json("""
                    {"url": "https://x/${{ inputs.ticketId }}", "n": "${{ inputs.priority + 1 }}",
                     "list": ["${{ index }}", "lit", 5], "fixed": true}"""), problems);
            assertThat(problems).isEmpty();
            assertThat(t.evaluate(runVariables())).isEqualTo(json("""
                    {"url": "https://x/T-42", "n": 4, "list": [4, "lit", 5], "fixed": true}"""));
        }

        @Test
        void problemsAreReportedWithTheirPlaceInsteadOfThrown() {
            List<Template.Problem> problems = new ArrayList<>();
            Template.compile(json("""
                    {"ok": "${{ 1 }}", "bad": {"deep": ["x", "pre ${{ nope.x }}"]}}"""), problems);
            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.relativePath()).isEqualTo("bad.deep[1]");
                assertThat(p.offset()).isEqualTo("pre ${{ ".length());
                assertThat(p.message()).contains("unknown variable 'nope'");
            });
        }

        @Test
        void anUnclosedOrEmptyExpressionIsAProblem() {
            assertThat(problemsOf("${{ inputs.ticketId")).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("not closed"));
            assertThat(problemsOf("a ${{ }} b")).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("empty expression"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"${{ '''it's''' }}", "${{ r'\\d+}}x' }}"})
        void everyStringLiteralFormOfCelIsAccepted(String text) throws Exception {
            String body = text.substring(4, text.length() - 3);
            // CEL itself accepts the literal ...
            assertThat(Expressions.compile(body).evaluate(runVariables()).isTextual()).isTrue();
            // ... so the template must find the closing braces after it
            assertThat(problemsOf(text)).isEmpty();
        }

        @Test
        void anEvaluationErrorInsideATemplateSurfaces() {
            Template t = template("owner: ${{ steps.fetch.output.body.missing }}");
            assertThatThrownBy(() -> t.evaluate(runVariables()))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("missing");
        }
    }

    @Nested
    class VariablesInScope {
        @Test
        void readsInputs() throws Exception {
            assertThat(eval("inputs.ticketId")).isEqualTo(TextNode.valueOf("T-42"));
            assertThat(eval("inputs['priority']")).isEqualTo(json("3"));
        }

        @Test
        void readsStepOutputsAndStatuses() throws Exception {
            assertThat(eval("steps.fetch.output.body.owner")).isEqualTo(TextNode.valueOf("kim"));
            assertThat(eval("steps.fetch.status")).isEqualTo(TextNode.valueOf("SUCCEEDED"));
            assertThat(eval("steps['notify-all'].output[1].ok").booleanValue()).isFalse();
            assertThat(eval("steps['notify-all'].output.filter(r, r.ok).size()")).isEqualTo(json("1"));
        }

        @Test
        void readsRun() throws Exception {
            assertThat(eval("run.id")).isEqualTo(TextNode.valueOf("run-1"));
            assertThat(eval("run.workflow")).isEqualTo(TextNode.valueOf("support.escalate-ticket"));
            assertThat(eval("run.attempt + 1")).isEqualTo(json("3"));
        }

        @Test
        void readsItemAndIndex() throws Exception {
            assertThat(eval("item.channel")).isEqualTo(TextNode.valueOf("ops-alerts"));
            assertThat(eval("index * 10")).isEqualTo(json("40"));
            assertThat(render("https://chat.example/hooks/${{ item.channel }}/${{ index }}").textValue())
                    .isEqualTo("https://chat.example/hooks/ops-alerts/4");
        }

        @Test
        void readsEvent() throws Exception {
            Variables v = Variables.of(Map.of("event", json("{\"payload\": {\"id\": \"T-9\"}}")));
            assertThat(eval("event.payload.id", v)).isEqualTo(TextNode.valueOf("T-9"));
        }

        @Test
        void reportsTheRootsAndStepsItReads() throws Exception {
            Expression e = Expressions.compile(
                    "steps.fetch.output.x + steps['notify-all'].output.size() + inputs.priority + index");
            assertThat(e.roots()).containsExactlyInAnyOrder("steps", "inputs", "index");
            assertThat(e.stepRefs()).containsExactlyInAnyOrder("fetch", "notify-all");
        }

        @Test
        void variablesWithReplacesOneVariableAndLeavesTheOriginal() throws Exception {
            Variables base = runVariables();
            Variables next = base.with("index", json("5"));
            assertThat(eval("index", next)).isEqualTo(json("5"));
            assertThat(eval("index", base)).isEqualTo(json("4"));
            assertThat(eval("inputs.ticketId", next)).isEqualTo(TextNode.valueOf("T-42"));
        }
    }

    @Nested
    class UrlEncode {
        @Test
        void percentEncodesAComponentWithSpaceAsPercent20() throws Exception {
            Variables v = Variables.of(Map.of("inputs", json("""
                    {"q": "a b&c=d/e?f#g+h", "name": "Zoë ~x_y.z-1", "n": 42}""")));
            assertThat(eval("urlEncode(inputs.q)", v)).isEqualTo(TextNode.valueOf("a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh"));
            // RFC 3986 unreserved characters stay; anything else is its UTF-8 bytes
            assertThat(eval("urlEncode(inputs.name)", v)).isEqualTo(TextNode.valueOf("Zo%C3%AB%20~x_y.z-1"));
            assertThat(eval("urlEncode('')", v)).isEqualTo(TextNode.valueOf(""));
            assertThat(eval("urlEncode(string(inputs.n))", v)).isEqualTo(TextNode.valueOf("42"));
        }

        @Test
        void worksInsideAnInterpolatedUrl() throws Exception {
            Variables v = Variables.of(Map.of("inputs", json("{\"who\": \"ann marie/ops\"}")));
            JsonNode url = template("https://tickets.example/api/users/${{ urlEncode(inputs.who) }}?x=1").evaluate(v);
            assertThat(url.textValue()).isEqualTo("https://tickets.example/api/users/ann%20marie%2Fops?x=1");
        }

        @Test
        void isTypeCheckedWhenTheExpressionCompiles() {
            // a literal of the wrong type is caught at load time; dyn values are checked when they run
            assertThatThrownBy(() -> Expressions.compile("urlEncode(1)"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("urlEncode");
            assertThatThrownBy(() -> Expressions.compile("urlEncode('a', 'b')"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("urlEncode");
            assertThatThrownBy(() -> eval("urlEncode(inputs.priority)"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("urlEncode");
        }
    }

    @Nested
    class Errors {
        @Test
        void aMissingKeyIsAnEvaluationErrorNamingTheExpressionAndTheKey() throws Exception {
            Expression e = Expressions.compile("inputs.nope");
            assertThatThrownBy(() -> e.evaluate(runVariables()))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("'inputs.nope'")
                    .hasMessageContaining("'nope'")
                    .hasMessageContaining("not present");
        }

        @Test
        void otherRuntimeFailuresAreExpressionExceptionsToo() {
            assertThatThrownBy(() -> eval("inputs.tags[5]"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("inputs.tags[5]");
            assertThatThrownBy(() -> eval("inputs.priority / 0"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("by zero");
            assertThatThrownBy(() -> eval("inputs.ticketId + 1"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("inputs.ticketId + 1");
        }

        @Test
        void hasAndTernaryAvoidMissingKeyErrors() throws Exception {
            assertThat(eval("has(inputs.nope) ? inputs.nope : 'fallback'")).isEqualTo(TextNode.valueOf("fallback"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"step.fetch.output", "secrets.token", "input.x", "env.HOME"})
        void anUnknownVariableRootIsACompileErrorNamingIt(String source) {
            String root = source.substring(0, source.indexOf('.'));
            assertThatThrownBy(() -> Expressions.compile(source))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("unknown variable '" + root + "'");
        }

        @Test
        void syntaxErrorsAreCompileErrorsWithTheirOffset() {
            assertThatThrownBy(() -> Expressions.compile("inputs.priority +* 2"))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageStartingWith("syntax error")
                    .satisfies(e -> assertThat(((ExpressionException) e).offset())
                            .isEqualTo("inputs.priority +".length()));
            assertThatThrownBy(() -> Expressions.compile("1 +"))
                    .isInstanceOf(ExpressionException.class).hasMessageStartingWith("syntax error");
            assertThatThrownBy(() -> Expressions.compile("inputs.x ==="))
                    .isInstanceOf(ExpressionException.class).hasMessageStartingWith("syntax error");
            assertThatThrownBy(() -> Expressions.compile("'unterminated"))
                    .isInstanceOf(ExpressionException.class).hasMessageStartingWith("syntax error");
        }

        @Test
        void typeErrorsBetweenLiteralsAreCaughtAtCompileTime() {
            assertThatThrownBy(() -> Expressions.compile("'x' + 1"))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("_+_");
        }

        @Test
        void emptyAndOverlongExpressionsAreRejected() {
            assertThatThrownBy(() -> Expressions.compile("   "))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("empty");
            String tooLong = "1" + " + 1".repeat(Expressions.MAX_LENGTH / 4);
            assertThat(tooLong.length()).isGreaterThan(Expressions.MAX_LENGTH);
            assertThatThrownBy(() -> Expressions.compile(tooLong))
                    .isInstanceOf(ExpressionException.class).hasMessageContaining("longer than 4096");
        }

        @Test
        void deeplyNestedExpressionsFailToCompileInsteadOfOverflowingTheStack() {
            String deep = "(".repeat(1000) + "1" + ")".repeat(1000);
            assertThatThrownBy(() -> Expressions.compile(deep)).isInstanceOf(ExpressionException.class);
        }
    }

    @Nested
    class Purity {
        private static final String BUSY = "{'doubled': inputs.xs.map(x, x * 2), 'keys': inputs.m.map(k, k),"
                + " 'big': inputs.xs.filter(x, x > 2), 'first': inputs.m.a, 'label': 'n=' + string(size(inputs.xs))}";
        private static final String INPUTS = "{\"xs\": [5, 1, 4, 2, 3], \"m\": {\"z\": 1, \"a\": 2, \"k\": 3}}";

        @Test
        void theSameExpressionAndVariablesGiveEqualResultsEveryTime() throws Exception {
            JsonNode first = Expressions.compile(BUSY).evaluate(Variables.of(Map.of("inputs", json(INPUTS))));
            assertThat(first).isEqualTo(json("""
                    {"doubled": [10, 2, 8, 4, 6], "keys": ["z", "a", "k"], "big": [5, 4, 3], "first": 2,
                     "label": "n=5"}"""));
            Expression compiledOnce = Expressions.compile(BUSY);
            for (int i = 0; i < 200; i++) {
                Variables fresh = Variables.of(Map.of("inputs", json(INPUTS)));
                JsonNode again = (i % 2 == 0 ? compiledOnce : Expressions.compile(BUSY)).evaluate(fresh);
                assertThat(again).isEqualTo(first);
                // same key order too, so the serialized history is byte-identical
                assertThat(again.toString()).isEqualTo(first.toString());
            }
        }

        @Test
        void evaluatingTwiceWithTheSameVariablesObjectGivesTheSameResult() throws Exception {
            Variables vars = Variables.of(Map.of("inputs", json(INPUTS)));
            Expression e = Expressions.compile(BUSY);
            assertThat(e.evaluate(vars)).isEqualTo(e.evaluate(vars));
        }

        @ParameterizedTest
        @ValueSource(strings = {"now()", "now", "time.now()", "random()", "rand()", "uuid()"})
        void thereIsNoClockAndNoRandomness(String source) {
            String name = source.replaceAll("[.(].*", "");
            assertThatThrownBy(() -> Expressions.compile(source))
                    .isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("'" + name + "'");
        }
    }

    @Nested
    class BoundedCost {
        private Variables withList(String name, int size) {
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < size; i++) {
                list.add(i);
            }
            ObjectNode inputs = JsonNodeFactory.instance.objectNode();
            inputs.set(name, list);
            return Variables.of(Map.of("inputs", inputs));
        }

        @Test
        void mapOverTwentyThousandItemsFailsOnTheIterationLimit() throws Exception {
            Expression e = Expressions.compile("inputs.xs.map(x, x + 1)");
            Variables v = withList("xs", 20_000);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> e.evaluate(v))
                            .isInstanceOf(ExpressionException.class)
                            .hasMessageContaining(String.valueOf(Expressions.MAX_ITERATIONS)));
        }

        @Test
        void listsBelowTheLimitStillWork() throws Exception {
            JsonNode out = Expressions.compile("inputs.xs.map(x, x + 1)").evaluate(withList("xs", 5_000));
            assertThat(out.size()).isEqualTo(5_000);
            assertThat(out.get(4_999).longValue()).isEqualTo(5_000);
            // size() is not a comprehension: it works on any list
            assertThat(Expressions.compile("size(inputs.xs)").evaluate(withList("xs", 20_000)).longValue())
                    .isEqualTo(20_000);
        }

        @Test
        void everyComprehensionMacroIsBounded() throws Exception {
            Variables v = withList("xs", 20_000);
            for (String source : List.of("inputs.xs.filter(x, x < 0)", "inputs.xs.exists(x, x == 19999)",
                    "inputs.xs.all(x, x >= 0)", "inputs.xs.exists_one(x, x == 19999)")) {
                Expression e = Expressions.compile(source);
                assertThatThrownBy(() -> e.evaluate(v)).as(source)
                        .isInstanceOf(ExpressionException.class)
                        .hasMessageContaining(String.valueOf(Expressions.MAX_ITERATIONS));
            }
        }

        @Test
        void nestedComprehensionsShareOneBudgetSoQuadraticWorkFailsFast() throws Exception {
            // 300 x 300 = 90,000 inner iterations, although each loop alone is far below the limit
            Expression e = Expressions.compile("inputs.xs.map(x, inputs.xs.map(y, inputs.xs.filter(z, z == x + y)))");
            Variables v = withList("xs", 300);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> e.evaluate(v))
                            .isInstanceOf(ExpressionException.class)
                            .hasMessageContaining(String.valueOf(Expressions.MAX_ITERATIONS)));
        }

        @Test
        void aCatastrophicRegularExpressionDoesNotHang() throws Exception {
            Expression e = Expressions.compile("inputs.s.matches('^(a+)+$')");
            Variables v = Variables.of(Map.of("inputs", json("{\"s\": \"" + "a".repeat(5_000) + "!\"}")));
            JsonNode result = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> e.evaluate(v));
            assertThat(result.booleanValue()).isFalse();
        }
    }
}
