package io.stepwise.core.dsl;

import java.nio.charset.StandardCharsets;

/**
 * Parses a 170 KB file whose aliases double its bytes 16 times (60 KB * 2^16 = 3.9 GB expanded) and
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
        LoadResult result = new WorkflowParser().parse(bomb(16).getBytes(StandardCharsets.UTF_8), "bomb.yaml");
        if (result.valid()) {
            System.out.println("accepted");
            System.exit(2);
        }
        Violation v = result.violations().get(0);
        System.out.println("refused " + v.path() + " line " + v.line() + ": " + v.message());
    }
}
