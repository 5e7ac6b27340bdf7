package io.stepwise.core.expr;

import dev.cel.checker.CelStandardDeclarations;
import dev.cel.checker.CelStandardDeclarations.StandardFunction;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Comparison;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Conversions;
import dev.cel.checker.CelStandardDeclarations.StandardOverload;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Type checkers that declare only the standard functions an expression calls.
 *
 * <p>cel-java (0.14) builds its checking environment anew for every {@code check}, declaring
 * every standard overload and comparing each with the ones declared before it; that was about
 * four fifths of compiling an expression. The checker resolves a call by its function name
 * alone, so a checker that declares exactly the standard functions named in the parsed tree
 * (macros already expanded) picks the same overloads, and fails in the same words, as one that
 * declares them all. One checker per set of functions: packs use a few dozen sets.
 */
final class ScopedCheckers {
    /** Bounded: cleared when it reaches the cap (sets of functions are few in practice). */
    static final int CACHE_CAP = 1_000;

    private static final Map<String, List<StandardFunction>> BY_NAME = byName();

    private final Supplier<CelCompilerBuilder> builders;
    private final CelOptions options;
    private final Map<Set<StandardFunction>, CelCompiler> checkers = new ConcurrentHashMap<>();

    /**
     * @param builders a fresh compiler builder each call, configured like the full compiler
     *                 (options, variables, Stepwise's own functions) but with no standard declarations yet
     */
    ScopedCheckers(Supplier<CelCompilerBuilder> builders, CelOptions options) {
        this.builders = builders;
        this.options = options;
    }

    /** A compiler whose checker declares the standard functions that {@code parsed} calls. */
    CelCompiler forAst(CelAbstractSyntaxTree parsed) {
        Set<StandardFunction> used = calledFunctions(parsed);
        CelCompiler checker = checkers.get(used);
        if (checker != null) {
            return checker;
        }
        if (checkers.size() >= CACHE_CAP) {
            checkers.clear();
        }
        return checkers.computeIfAbsent(used, this::build);
    }

    static Set<StandardFunction> calledFunctions(CelAbstractSyntaxTree parsed) {
        Set<StandardFunction> used = EnumSet.noneOf(StandardFunction.class);
        CelNavigableAst.fromAst(parsed).getRoot().allNodes().forEach(node -> {
            CelExpr expr = node.expr();
            if (expr.getKind() == CelExpr.ExprKind.Kind.CALL) {
                List<StandardFunction> functions = BY_NAME.get(expr.call().function());
                if (functions != null) {
                    used.addAll(functions);
                }
            }
        });
        return used;
    }

    private CelCompiler build(Set<StandardFunction> used) {
        Set<StandardFunction> include = used.isEmpty() ? Set.of() : EnumSet.copyOf(used);
        CelStandardDeclarations declarations = CelStandardDeclarations.newBuilder()
                .filterFunctions((function, overload) -> include.contains(function) && allowedByOptions(function, overload))
                .build();
        return builders.get()
                .setStandardEnvironmentEnabled(false)
                .setStandardDeclarations(declarations)
                .build();
    }

    /**
     * The overloads CEL's own standard environment leaves out under these options; cel-java
     * applies this only when it builds the standard declarations itself, so it is repeated here.
     */
    private boolean allowedByOptions(StandardFunction function, StandardOverload overload) {
        if (function == StandardFunction.INT) {
            return options.enableUnsignedLongs() || !Conversions.INT64_TO_INT64.equals(overload);
        }
        if (function == StandardFunction.TIMESTAMP) {
            return options.enableTimestampEpoch() || !Conversions.INT64_TO_TIMESTAMP.equals(overload);
        }
        return options.enableHeterogeneousNumericComparisons()
                || !(overload instanceof Comparison comparison && comparison.isHeterogeneousComparison());
    }

    private static Map<String, List<StandardFunction>> byName() {
        Map<String, List<StandardFunction>> byName = new HashMap<>();
        for (StandardFunction function : StandardFunction.values()) {
            byName.computeIfAbsent(function.functionName(), name -> new ArrayList<>()).add(function);
        }
        byName.replaceAll((name, functions) -> List.copyOf(functions));
        return Map.copyOf(byName);
    }
}
