package io.stepwise.core.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles the CEL inside {@code ${{ }}}. Every variable root the language knows is declared as
 * {@code dyn}; which roots a given place may use is checked by the caller against
 * {@link Expression#roots()}. Cost is bounded: expressions are at most {@value #MAX_LENGTH}
 * characters, and comprehensions stop after {@value #MAX_ITERATIONS} iterations.
 */
public final class Expressions {
    public static final Set<String> ROOTS = Set.of("inputs", "steps", "run", "item", "index", "event");
    public static final int MAX_LENGTH = 4096;
    public static final int MAX_ITERATIONS = 10_000;

    /**
     * Packs repeat the same expressions across files and across resyncs; compiled expressions are
     * immutable and thread-safe, so they are shared by source text (and, below that, type checks by
     * shape: {@link CheckedShapes}). Bounded: cleared when it reaches the cap.
     */
    static final int CACHE_CAP = 20_000;
    private static final Map<String, Expression> CACHE = new ConcurrentHashMap<>();

    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']+)'");

    static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .enableHeterogeneousNumericComparisons(true)
            .build();

    /** Stepwise's own functions beside CEL's standard library; pure, like the rest of it. */
    public static final String URL_ENCODE = "urlEncode";
    private static final String URL_ENCODE_STRING = "urlEncode_string";

    /** Parses only; checking goes through {@link #CHECKERS}, which declare what each expression calls. */
    private static final CelCompiler PARSER = compilerBuilder().setStandardEnvironmentEnabled(false).build();
    private static final ScopedCheckers CHECKERS = new ScopedCheckers(Expressions::compilerBuilder, OPTIONS);
    private static final CheckedShapes SHAPES = new CheckedShapes();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addFunctionBindings(CelFunctionBinding.from(URL_ENCODE_STRING, String.class, UrlEncoding::component))
            .build();

    private Expressions() {
    }

    /** The compiler's settings without its standard declarations, which the caller chooses. */
    static CelCompilerBuilder compilerBuilder() {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setResultType(SimpleType.DYN);
        for (String root : ROOTS) {
            builder.addVar(root, SimpleType.DYN);
        }
        builder.addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(URL_ENCODE,
                CelOverloadDecl.newGlobalOverload(URL_ENCODE_STRING, SimpleType.STRING, SimpleType.STRING)));
        return builder;
    }

    /** Compiles one expression (the text between {@code ${{} and {@code }}}). */
    public static Expression compile(String source) throws ExpressionException {
        String text = source.strip();
        Expression cached = CACHE.get(text);
        if (cached != null) {
            return cached;
        }
        Expression compiled = compileUncached(text);
        if (CACHE.size() >= CACHE_CAP) {
            CACHE.clear();
        }
        CACHE.put(text, compiled);
        return compiled;
    }

    /** Forgets every compiled expression and checked shape; for benchmarks that measure a cold start. */
    public static void clearCache() {
        CACHE.clear();
        SHAPES.clear();
    }

    /**
     * Whether expressions that differ only in their literals share one type check (on by default);
     * off, for benchmarks of packs in which no two expressions have the same shape.
     */
    public static void shareChecksByShape(boolean on) {
        SHAPES.enable(on);
    }

    private static Expression compileUncached(String text) throws ExpressionException {
        if (text.isEmpty()) {
            throw new ExpressionException("empty expression", 0);
        }
        if (text.length() > MAX_LENGTH) {
            throw new ExpressionException("expression is longer than " + MAX_LENGTH + " characters", 0);
        }
        CelAbstractSyntaxTree checked;
        try {
            CelValidationResult parsed = PARSER.parse(text);
            if (parsed.hasError()) {
                CelIssue issue = parsed.getErrors().get(0);
                throw new ExpressionException("syntax error in ${{ " + text + " }}: " + issue.getMessage(),
                        offsetOf(text, issue));
            }
            checked = check(parsed.getAst(), text);
        } catch (dev.cel.common.CelValidationException | RuntimeException e) {
            throw new ExpressionException("invalid expression '" + text + "': " + e.getMessage(), 0);
        }
        try {
            Set<String> roots = new LinkedHashSet<>();
            Set<String> stepRefs = new LinkedHashSet<>();
            collectReferences(checked, roots, stepRefs);
            return new Expression(text, RUNTIME.createProgram(checked), Set.copyOf(roots), Set.copyOf(stepRefs));
        } catch (CelEvaluationException e) {
            throw new ExpressionException("invalid expression '" + text + "': " + e.getMessage(), 0);
        }
    }

    private static CelAbstractSyntaxTree check(CelAbstractSyntaxTree parsed, String text)
            throws ExpressionException, dev.cel.common.CelValidationException {
        CelAbstractSyntaxTree known = SHAPES.checkedLike(parsed);
        if (known != null) {
            return known;
        }
        CelValidationResult result = CHECKERS.forAst(parsed).check(parsed);
        if (result.hasError()) {
            CelIssue issue = result.getErrors().get(0);
            throw new ExpressionException(describe(issue.getMessage()), offsetOf(text, issue));
        }
        SHAPES.remember(parsed, result.getAst());
        return result.getAst();
    }

    private static String describe(String celMessage) {
        Matcher m = UNDECLARED.matcher(celMessage);
        if (m.find()) {
            return "unknown variable '" + m.group(1) + "' (known: inputs, steps, run, item, index, event)";
        }
        return celMessage.replaceFirst("^ERROR: <input>:\\d+:\\d+: ", "");
    }

    private static int offsetOf(String text, CelIssue issue) {
        int line = issue.getSourceLocation().getLine();
        int column = issue.getSourceLocation().getColumn();
        if (line < 1 || column < 0) {
            return 0;
        }
        int offset = 0;
        for (int l = 1; l < line && offset >= 0; l++) {
            offset = text.indexOf('\n', offset) + 1;
        }
        return Math.max(0, Math.min(text.length(), offset + column));
    }

    private static void collectReferences(CelAbstractSyntaxTree ast, Set<String> roots, Set<String> stepRefs) {
        CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(node -> {
            CelExpr expr = node.expr();
            switch (expr.getKind()) {
                case IDENT -> {
                    String name = expr.ident().name();
                    if (ROOTS.contains(name)) {
                        roots.add(name);
                    }
                }
                case SELECT -> {
                    CelExpr operand = expr.select().operand();
                    if (isIdent(operand, "steps")) {
                        stepRefs.add(expr.select().field());
                    }
                }
                case CALL -> {
                    var call = expr.call();
                    List<CelExpr> args = call.args();
                    if ("_[_]".equals(call.function()) && args.size() == 2 && isIdent(args.get(0), "steps")
                            && args.get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
                            && args.get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                        stepRefs.add(args.get(1).constant().stringValue());
                    }
                }
                default -> {
                }
            }
        });
    }

    private static boolean isIdent(CelExpr expr, String name) {
        return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
    }
}
