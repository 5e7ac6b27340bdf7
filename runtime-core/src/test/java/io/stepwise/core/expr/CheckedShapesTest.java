package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.compiler.CelCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An expression whose check is taken from another of its shape must come out exactly as if it
 * had been checked itself; expressions of other shapes must not share it.
 */
class CheckedShapesTest {
    private static final CelCompiler FULL = Expressions.compilerBuilder().build();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "inputs.p >= 4 | inputs.p >= 7",
            "inputs.ticketId + '1' | inputs.ticketId + 'zz'",
            "[inputs.a, 1][0] | [inputs.a, 2][0]",
            "{'k': 1}['k'] + 2 | {'q': 5}['q'] + 9",
            "inputs.tags.exists(t, t == 'a') | inputs.tags.exists(t, t == 'b')",
            "timestamp('2024-01-01T00:00:00Z') - duration('1h') | timestamp('2025-06-01T00:00:00Z') - duration('5m')",
            "1 < 2u | 5 < 9u",
            "inputs.a ? 1 : 2 | inputs.a ? 3 : 4",
            "urlEncode('a b') | urlEncode('c')",
            "steps.fetch.output.body['owner'] | steps.fetch.output.body['owner7']",
            "has(inputs.a) && inputs.n > 1.5 | has(inputs.a) && inputs.n > 2.5",
            "type(1) == int | type(2) == int",
            "[1, 'a'] | [2, 'b']",
    })
    void aSharedCheckIsTheCheckTheExpressionWouldGetItself(String first, String second) throws Exception {
        CheckedShapes shapes = remembering(first);
        CelAbstractSyntaxTree two = parse(second);

        CelAbstractSyntaxTree shared = shapes.checkedLike(two);
        CelAbstractSyntaxTree own = FULL.check(two).getAst();
        assertThat(shared).as("%s shares the check of %s", second, first).isNotNull();
        assertThat(shared.getExpr()).isEqualTo(own.getExpr());
        assertThat(shared.getTypeMap()).isEqualTo(own.getTypeMap());
        assertThat(shared.getReferenceMap()).isEqualTo(own.getReferenceMap());
        assertThat(shared.getResultType()).isEqualTo(own.getResultType());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "inputs.p >= 4 | inputs.p >= 4.0",
            "inputs.p >= 4 | inputs.q >= 4",
            "inputs.p >= 4 | steps.p >= 4",
            "inputs.p >= 4 | inputs.p > 4",
            "[1, 'a'] | [1, 2]",
            "inputs.tags.exists(t, t == 'a') | inputs.tags.all(t, t == 'a')",
            "has(inputs.a) | inputs.a",
            "{'k': 1} | {1: 'k'}",
    })
    void otherShapesDoNotShare(String first, String second) throws Exception {
        CheckedShapes shapes = remembering(first);
        assertThat(shapes.checkedLike(parse(second))).isNull();
        assertThat(shapes.checkedLike(parse(first))).isNotNull();
    }

    @Test
    void expressionsOfOneShapeEvaluateWithTheirOwnLiterals() throws Exception {
        ObjectNode inputs = JsonNodeFactory.instance.objectNode().put("priority", 5).put("name", "kim");
        Variables variables = Variables.of(Map.of("inputs", inputs));
        assertThat(Expressions.compile("inputs.priority >= 4").evaluate(variables)).isEqualTo(BooleanNode.TRUE);
        assertThat(Expressions.compile("inputs.priority >= 7").evaluate(variables)).isEqualTo(BooleanNode.FALSE);
        assertThat(Expressions.compile("[inputs.priority, 11][1]").evaluate(variables).asLong()).isEqualTo(11);
        assertThat(Expressions.compile("[inputs.priority, 12][1]").evaluate(variables).asLong()).isEqualTo(12);
        assertThat(Expressions.compile("inputs.name + '-a'").evaluate(variables).asText()).isEqualTo("kim-a");
        assertThat(Expressions.compile("inputs.name + '-b'").evaluate(variables).asText()).isEqualTo("kim-b");
    }

    @Test
    void anErrorIsFoundInEveryExpressionOfTheShapeAtItsOwnPlace() {
        assertThatThrownBy(() -> Expressions.compile("inputs.a + 1 + ('x' - 'y')"))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("_-_")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isEqualTo(20));
        assertThatThrownBy(() -> Expressions.compile("inputs.a + 2 + ('zz' - 'w')"))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("_-_")
                .satisfies(e -> assertThat(((ExpressionException) e).offset()).isEqualTo(21));
    }

    /** Shapes that know the full check of {@code text}. */
    private static CheckedShapes remembering(String text) throws Exception {
        CheckedShapes shapes = new CheckedShapes();
        CelAbstractSyntaxTree tree = parse(text);
        shapes.remember(tree, FULL.check(tree).getAst());
        return shapes;
    }

    private static CelAbstractSyntaxTree parse(String text) throws Exception {
        return FULL.parse(text).getAst();
    }
}
