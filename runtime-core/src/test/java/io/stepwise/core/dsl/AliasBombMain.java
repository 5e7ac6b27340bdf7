package io.stepwise.core.dsl;

import java.nio.charset.StandardCharsets;

/**
 * Parses a 61 KB file whose aliases double its bytes 16 times (60 KB * 2^16 = 3.9 GB expanded) and
 * prints the first violation: what {@link ParserLimitsTest} runs in a JVM with a small heap.
 */
public final class AliasBombMain {
    private AliasBombMain() {
    }

    static String bomb(int levels) {
        StringBuilder yaml = new StringBuilder("apiVersion: stepwise/v1\nkind: Workflow\nname: wide\nsteps:\n"
                + "  - id: a\n    uses: noop\n    with:\n      s0: &s0 [\"" + "x".repeat(60_000) + "\"]\n");
        for (int i = 1; i <= levels; i++) {
            yaml.append("      s").append(i).append(": &s").append(i)
                    .append(" [*s").append(i - 1).append(", *s").append(i - 1).append("]\n");
        }
        return yaml.toString();
    }

    public static void main(String[] args) {
        byte[] file = bomb(16).getBytes(StandardCharsets.UTF_8);
        WorkflowParser parser = new WorkflowParser();
        long start = System.nanoTime();
        LoadResult result = parser.parse(file, "bomb.yaml");
        long first = System.nanoTime() - start;
        start = System.nanoTime();
        parser.parse(file, "bomb.yaml");
        long again = System.nanoTime() - start;
        if (result.valid()) {
            System.out.println("accepted");
            System.exit(2);
        }
        Violation v = result.violations().get(0);
        System.out.println("refused " + v.path() + " line " + v.line() + ": " + v.message());
        System.out.printf("%d bytes on disk; refused in %.1f ms (first parse in this JVM), %.1f ms (again)%n",
                file.length, first / 1e6, again / 1e6);
    }
}
