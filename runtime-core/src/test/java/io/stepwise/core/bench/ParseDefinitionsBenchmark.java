package io.stepwise.core.bench;

import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.expr.Expressions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates 2,000 distinct definitions shaped like DSL.md's full example, on one
 * thread, and prints the time per pass. Not a test: run it with deploy/bench/parse-definitions.sh.
 */
public final class ParseDefinitionsBenchmark {
    private static final int DEFINITIONS = 2_000;
    private static final int WARMUP_PASSES = 5;
    private static final int MEASURED_PASSES = 10;
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");

    public static void main(String[] args) throws Exception {
        String example = Files.readString(Path.of(args.length > 0 ? args[0]
                : "runtime-core/src/test/resources/workflows/valid/escalate-ticket.yaml"));
        List<byte[]> sources = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < DEFINITIONS; i++) {
            String name = "escalate-ticket-" + i;
            // distinct content: name, description, a url and a number change per definition
            String text = example.replace("name: escalate-ticket", "name: " + name)
                    .replace("Escalate a ticket that nobody picked up", "Escalation variant " + i)
                    .replace("https://tickets.example/api/tickets/", "https://tickets" + i + ".example/api/tickets/")
                    .replace("limit: 5", "limit: " + (5 + i % 50));
            sources.add(text.getBytes(StandardCharsets.UTF_8));
            names.add(name + ".yaml");
        }
        List<byte[]> distinctExpressions = new ArrayList<>();
        for (int i = 0; i < DEFINITIONS; i++) {
            // worst case: no two definitions share an expression text
            distinctExpressions.add(new String(sources.get(i), StandardCharsets.UTF_8)
                    .replace("inputs.priority >= 4", "inputs.priority >= " + (4 + i))
                    .replace("inputs.ticketId", "inputs.ticketId + '" + i + "'")
                    .replace("steps.fetch.output.body.owner", "steps.fetch.output.body['owner" + i + "']")
                    .replace("steps.classify.output.urgent", "steps.classify.output.urgent == (" + i + " >= 0)")
                    .getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> allDistinct = everyExpressionDistinct(distinctExpressions);
        WorkflowParser parser = new WorkflowParser();
        report("shared expression texts (cache cleared before each pass)", parser, sources, names);
        report("most expression texts distinct (the figure measured before 2026-12)", parser, distinctExpressions, names);
        report("every expression text distinct", parser, allDistinct, names);
        report("every expression text distinct, on every core as resync parses", parser, allDistinct, names, true);
        // Expressions differing only in their literals share one type check; this is the case where none does,
        // as in a pack where no two expressions have the same shape.
        Expressions.shareChecksByShape(false);
        report("every expression text distinct, no type check shared by shape (worst case)", parser, allDistinct, names);
        Expressions.shareChecksByShape(true);
    }

    /**
     * The worst case: no expression text occurs twice, within a file or across files. Each
     * {@code ${{ e }}} whose text was seen before becomes {@code ${{ [e, n][0] }}} with a number
     * n used once, which has the same value.
     */
    private static List<byte[]> everyExpressionDistinct(List<byte[]> sources) {
        Set<String> seen = new HashSet<>();
        int[] next = {0};
        List<byte[]> result = new ArrayList<>();
        for (byte[] source : sources) {
            Matcher m = EXPRESSION.matcher(new String(source, StandardCharsets.UTF_8));
            String text = m.replaceAll(match -> {
                String body = match.group(1).strip();
                if (seen.add(body)) {
                    return Matcher.quoteReplacement(match.group());
                }
                String distinct = "[" + body + ", " + next[0]++ + "][0]";
                seen.add(distinct);
                return Matcher.quoteReplacement("${{ " + distinct + " }}");
            });
            result.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return result;
    }

    private static String expressionCount(List<byte[]> sources) {
        int total = 0;
        Set<String> distinct = new HashSet<>();
        for (byte[] source : sources) {
            Matcher m = EXPRESSION.matcher(new String(source, StandardCharsets.UTF_8));
            while (m.find()) {
                total++;
                distinct.add(m.group(1).strip());
            }
        }
        return String.format("%,d expressions, %,d distinct texts", total, distinct.size());
    }

    private static void report(String label, WorkflowParser parser, List<byte[]> sources, List<String> names) {
        report(label, parser, sources, names, false);
    }

    private static void report(String label, WorkflowParser parser, List<byte[]> sources, List<String> names,
                               boolean everyCore) {
        for (int pass = 0; pass < WARMUP_PASSES; pass++) {
            Expressions.clearCache();
            runPass(parser, sources, names, everyCore);
        }
        long[] millis = new long[MEASURED_PASSES];
        for (int pass = 0; pass < MEASURED_PASSES; pass++) {
            Expressions.clearCache();
            long start = System.nanoTime();
            runPass(parser, sources, names, everyCore);
            millis[pass] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("%s: parse+validate %d definitions (%s), %s: median %d ms, best %d ms, worst %d ms (%d passes after %d warm-up)%n",
                label, sources.size(), expressionCount(sources),
                everyCore ? Runtime.getRuntime().availableProcessors() + " threads" : "one thread", millis[MEASURED_PASSES / 2], millis[0], millis[MEASURED_PASSES - 1],
                MEASURED_PASSES, WARMUP_PASSES);
    }

    private static void runPass(WorkflowParser parser, List<byte[]> sources, List<String> names, boolean everyCore) {
        java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, sources.size());
        (everyCore ? indexes.parallel() : indexes).forEach(i -> {
            LoadResult result = parser.parse(sources.get(i), names.get(i));
            if (!result.valid()) {
                throw new IllegalStateException("benchmark definition " + names.get(i) + " is invalid: " + result.violations());
            }
        });
    }
}
