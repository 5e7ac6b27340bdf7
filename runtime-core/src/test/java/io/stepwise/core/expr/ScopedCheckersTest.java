package io.stepwise.core.expr;

import dev.cel.checker.CelStandardDeclarations.StandardFunction;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.compiler.CelCompiler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checker that declares only the standard functions an expression calls must check it exactly
 * as one that declares them all: same types, same overloads chosen, same errors.
 */
class ScopedCheckersTest {
    private static final CelCompiler FULL = Expressions.compilerBuilder().build();
    private static final CelCompiler PARSER = Expressions.compilerBuilder().setStandardEnvironmentEnabled(false).build();
    private static final ScopedCheckers SCOPED = new ScopedCheckers(Expressions::compilerBuilder, Expressions.OPTIONS);

    @ParameterizedTest
    @ValueSource(strings = {
            // literals, variables, selection, index
            "1", "'a'", "b'x'", "2.5", "3u", "null", "true", "[1, 'a']", "{'k': 1}", "inputs", "inputs.a.b",
            "steps.fetch.output.body['owner']", "inputs.tags[0]", "steps['notify-all'].output",
            // operators, with mixed and dyn operands
            "1 + 2", "'a' + 'b'", "[1] + [2]", "1 + 2.0", "inputs.a + 1", "inputs.a - inputs.b * 2 / 3 % 4",
            "-inputs.a", "!inputs.ok", "1 < 2u", "1 <= 2.0", "inputs.p >= 4 || inputs.q >= 4", "inputs.a == inputs.b",
            "inputs.a != null && inputs.b", "inputs.a ? 1 : 'x'", "'a' in inputs.tags", "inputs.k in {'k': 1}",
            "1 == 1u", "2.0 > 1", "b'a' < b'b'",
            // functions, global and receiver style
            "size(inputs.tags)", "inputs.tags.size()", "'abc'.size()", "inputs.s.contains('x')", "inputs.s.startsWith('a')",
            "inputs.s.endsWith('a')", "inputs.s.matches('^a+$')", "matches(inputs.s, 'a')", "int(inputs.x)", "uint(1)",
            "double(1)", "string(1)", "bytes('a')", "bool('true')", "dyn(1)", "type(1) == int", "type(inputs) == map",
            "timestamp('2024-01-01T00:00:00Z')", "duration('1s')", "timestamp(inputs.t).getFullYear()",
            "duration('1h').getMinutes()", "timestamp(inputs.t) - duration('1h')", "int(timestamp(inputs.t))",
            "urlEncode(inputs.ticketId)", "urlEncode('a b')",
            // macros
            "has(inputs.a)", "inputs.tags.all(t, t != '')", "inputs.tags.exists(t, t == 'a')",
            "inputs.tags.exists_one(t, t == 'a')", "inputs.tags.map(t, t + '!')", "inputs.tags.filter(t, size(t) > 1)",
            "inputs.tags.map(t, size(t) > 1, t)", "[1, 2].all(x, x > 0) && {'a': 1}.exists(k, k == 'a')",
            // errors: unknown names, no matching overload, bad conversion arguments, wrong arity
            "nope", "inputs + ", "foo(1)", "inputs.a.foo()", "1 + 'a'", "'a' - 'b'", "size(1)", "!1", "-'a'",
            "1 && true", "int('a', 'b')", "urlEncode(1)", "urlEncode()", "timestamp(1)", "[1].all(x, x + 1)",
            "'a'.contains(1)", "1.matches('a')", "{1: 'a'}['x'] + 1", "steps.x.y.z()", "type(1) == integer",
    })
    void checksLikeTheFullStandardEnvironment(String source) throws Exception {
        CelValidationResult parsed = PARSER.parse(source);
        if (parsed.hasError()) {
            assertThat(issues(FULL.parse(source))).isEqualTo(issues(parsed));
            return;
        }
        CelAbstractSyntaxTree tree = parsed.getAst();
        CelValidationResult full = FULL.check(tree);
        CelValidationResult scoped = SCOPED.forAst(tree).check(tree);
        assertThat(scoped.hasError()).as("fails like the full checker").isEqualTo(full.hasError());
        if (full.hasError()) {
            assertThat(issues(scoped)).isEqualTo(issues(full));
            return;
        }
        CelAbstractSyntaxTree expected = ast(full);
        CelAbstractSyntaxTree actual = ast(scoped);
        assertThat(actual.getExpr()).isEqualTo(expected.getExpr());
        assertThat(actual.getTypeMap()).isEqualTo(expected.getTypeMap());
        assertThat(actual.getReferenceMap()).isEqualTo(expected.getReferenceMap());
        assertThat(actual.getResultType()).isEqualTo(expected.getResultType());
    }

    @Test
    void declaresOnlyTheFunctionsCalledIncludingThoseMacrosExpandTo() throws Exception {
        CelAbstractSyntaxTree tree = PARSER.parse("inputs.tags.all(t, size(t) > 1)").getAst();
        assertThat(ScopedCheckers.calledFunctions(tree)).contains(StandardFunction.SIZE, StandardFunction.GREATER,
                StandardFunction.NOT_STRICTLY_FALSE, StandardFunction.LOGICAL_AND).doesNotContain(StandardFunction.ADD);
    }

    @Test
    void sharesOneCheckerPerSetOfFunctions() throws Exception {
        CelAbstractSyntaxTree one = PARSER.parse("inputs.a + 1").getAst();
        CelAbstractSyntaxTree two = PARSER.parse("steps.b.output + 'x'").getAst();
        assertThat(SCOPED.forAst(two)).isSameAs(SCOPED.forAst(one));
    }

    private static CelAbstractSyntaxTree ast(CelValidationResult result) {
        try {
            return result.getAst();
        } catch (dev.cel.common.CelValidationException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> issues(CelValidationResult result) {
        return List.of(result.getIssueString());
    }
}
