package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

import java.util.Map;
import java.util.Set;

/**
 * One compiled CEL expression: its source, the variable roots and step ids it reads, and a
 * program that evaluates it. Evaluation is pure: the only inputs are the variables given.
 */
public final class Expression {
    private final String source;
    private final CelRuntime.Program program;
    private final Set<String> roots;
    private final Set<String> stepRefs;

    Expression(String source, CelRuntime.Program program, Set<String> roots, Set<String> stepRefs) {
        this.source = source;
        this.program = program;
        this.roots = roots;
        this.stepRefs = stepRefs;
    }

    public String source() {
        return source;
    }

    /** Variable roots the expression reads, e.g. {@code inputs}, {@code steps}. */
    public Set<String> roots() {
        return roots;
    }

    /** Step ids read through {@code steps.<id>} or {@code steps['<id>']}. */
    public Set<String> stepRefs() {
        return stepRefs;
    }

    public JsonNode evaluate(Variables variables) throws ExpressionException {
        Map<String, Object> activation = variables.activation();
        try {
            return CelValues.toJson(program.eval(activation));
        } catch (CelEvaluationException e) {
            throw new ExpressionException("cannot evaluate '" + source + "': " + e.getMessage(), 0);
        } catch (RuntimeException e) {
            throw new ExpressionException("cannot evaluate '" + source + "': " + e, 0);
        }
    }

    @Override
    public String toString() {
        return "${{ " + source + " }}";
    }
}
