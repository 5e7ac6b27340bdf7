package io.stepwise.core.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Type-check results shared between expressions that differ only in their literals' values.
 *
 * <p>CEL's checker gives a literal the type of its kind and never looks at its value, and it
 * names the nodes of a tree by the order the parser met them, so two parsed trees with the same
 * shape (same nodes, identifiers, fields, functions and ids, literals of the same kinds) check to
 * the same references and types, node for node. {@code inputs.priority >= 4} and
 * {@code inputs.priority >= 7} are one shape; {@code >= 4.0} is another. The checked tree of an
 * expression seen in a known shape is its own parsed tree with that shape's references and types.
 *
 * <p>Only a successful check is shared, and only one that left the tree as parsed (the checker
 * may rewrite qualified names); everything else is checked every time, so errors keep their own
 * text and position.
 */
final class CheckedShapes {
    /** Bounded: cleared when it reaches the cap. */
    static final int CACHE_CAP = 20_000;

    private record Checked(Map<Long, CelReference> references, Map<Long, CelType> types) {
    }

    private final Map<String, Checked> byShape = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;

    /** The checked tree of {@code parsed} from a check of the same shape, or null if none is known. */
    CelAbstractSyntaxTree checkedLike(CelAbstractSyntaxTree parsed) {
        if (!enabled) {
            return null;
        }
        Checked checked = byShape.get(shape(parsed.getExpr()));
        return checked == null ? null
                : CelAbstractSyntaxTree.newCheckedAst(parsed.getExpr(), parsed.getSource(), checked.references(), checked.types());
    }

    /** Remembers a successful check of {@code parsed} for the expressions of its shape. */
    void remember(CelAbstractSyntaxTree parsed, CelAbstractSyntaxTree checked) {
        if (!enabled || !checked.getExpr().equals(parsed.getExpr())
                || !checked.getSource().getExtensions().equals(parsed.getSource().getExtensions())) {
            return;
        }
        if (byShape.size() >= CACHE_CAP) {
            byShape.clear();
        }
        byShape.put(shape(parsed.getExpr()), new Checked(checked.getReferenceMap(), checked.getTypeMap()));
    }

    void clear() {
        byShape.clear();
    }

    void enable(boolean on) {
        enabled = on;
        byShape.clear();
    }

    /** The tree written out with each literal replaced by its kind; names are length-prefixed. */
    static String shape(CelExpr expr) {
        StringBuilder out = new StringBuilder(64);
        write(expr, out);
        return out.toString();
    }

    private static void write(CelExpr expr, StringBuilder out) {
        out.append(expr.id());
        switch (expr.getKind()) {
            case CONSTANT -> out.append('c').append(expr.constant().getKind().ordinal());
            case IDENT -> name(out.append('i'), expr.ident().name());
            case SELECT -> {
                name(out.append(expr.select().testOnly() ? 'h' : 's'), expr.select().field());
                write(expr.select().operand(), out);
            }
            case CALL -> {
                var call = expr.call();
                name(out.append('f'), call.function());
                call.target().ifPresent(target -> write(target, out.append('t')));
                children(out, call.args());
            }
            case LIST -> {
                out.append('l').append(expr.list().optionalIndices());
                children(out, expr.list().elements());
            }
            case STRUCT -> {
                name(out.append('S'), expr.struct().messageName());
                out.append('(');
                for (CelExpr.CelStruct.Entry entry : expr.struct().entries()) {
                    name(out.append(entry.id()).append(entry.optionalEntry() ? '?' : '='), entry.fieldKey());
                    write(entry.value(), out);
                }
                out.append(')');
            }
            case MAP -> {
                out.append("m(");
                for (CelExpr.CelMap.Entry entry : expr.map().entries()) {
                    out.append(entry.id()).append(entry.optionalEntry() ? '?' : '=');
                    write(entry.key(), out);
                    write(entry.value(), out);
                }
                out.append(')');
            }
            case COMPREHENSION -> {
                var loop = expr.comprehension();
                name(name(name(out.append('C'), loop.iterVar()), loop.iterVar2()), loop.accuVar());
                out.append('(');
                for (CelExpr part : new CelExpr[] {loop.iterRange(), loop.accuInit(), loop.loopCondition(), loop.loopStep(), loop.result()}) {
                    write(part, out);
                }
                out.append(')');
            }
            default -> out.append('n');
        }
    }

    private static void children(StringBuilder out, Iterable<CelExpr> children) {
        out.append('(');
        for (CelExpr child : children) {
            write(child, out);
            out.append(',');
        }
        out.append(')');
    }

    private static StringBuilder name(StringBuilder out, String name) {
        return out.append(name.length()).append(':').append(name);
    }
}
