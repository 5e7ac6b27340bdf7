package io.stepwise.core.dsl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** DSL.md, "Load errors": size, alias and depth limits are refused with a clear message. */
class ParserLimitsTest {
    private final WorkflowParser parser = new WorkflowParser();

    @Test
    void fileOver256KibIsRefusedBeforeParsing() {
        StringBuilder yaml = new StringBuilder("apiVersion: stepwise/v1\nkind: Workflow\nname: big\ndescription: \"");
        yaml.append("x".repeat(256 * 1024));
        yaml.append("\"\nsteps:\n  - id: a\n    uses: noop\n");

        LoadResult result = parser.parse(yaml.toString().getBytes(StandardCharsets.UTF_8), "big.yaml");

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("the limit is 262144 bytes (256 KiB)");
            assertThat(v.line()).isEqualTo(1);
        });
    }

    @Test
    void billionLaughsIsRefusedWithoutExpandingIt() {
        StringBuilder yaml = new StringBuilder("apiVersion: stepwise/v1\nkind: Workflow\nname: lol\nsteps:\n"
                + "  - id: a\n    uses: noop\n    with:\n      l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("      l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            yaml.append("]\n");
        }

        LoadResult result = parser.parse(yaml.toString());

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).containsAnyOf("alias bomb", "more than 50 aliases"));
    }

    @Test
    void aliasesThatMultiplyBytesAreRefusedAtTheAliasThatPassesTheLimit() {
        // under 200 KB on disk, few values, but each level doubles the bytes: 60 KB * 2^12 = 240 MB
        StringBuilder yaml = new StringBuilder("apiVersion: stepwise/v1\nkind: Workflow\nname: wide\nsteps:\n"
                + "  - id: a\n    uses: noop\n    with:\n      s0: &s0 [\"" + "x".repeat(60_000) + "\"]\n");
        for (int i = 1; i <= 12; i++) {
            yaml.append("      s").append(i).append(": &s").append(i)
                    .append(" [*s").append(i - 1).append(", *s").append(i - 1).append("]\n");
        }
        assertThat(yaml.length()).isLessThan(200 * 1024);

        LoadResult result = parser.parse(yaml.toString().getBytes(StandardCharsets.UTF_8), "wide.yaml");

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("past 1048576 bytes (1 MiB, aliases included)");
            // the document so far: s0 60 KB, s1 +120, s2 +240, s3 +480 = 900 KB; s4's first alias passes 1 MiB
            assertThat(v.path()).isEqualTo("steps[0].with.s4[0]");
            assertThat(v.line()).isEqualTo(12);
        });
    }

    @Test
    void anAliasBombOfGigabytesIsRefusedInAJvmWithA48MibHeap() throws Exception {
        // a separate JVM, so the heap limit is real: expanding the document would need 3.9 GB
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                AliasBombMain.class.getName()).redirectErrorStream(true).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as("the parse ended; output: " + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("refused steps[0].with.s4[0] line 12: ", "past 1048576 bytes (1 MiB, aliases included)");
    }

    @Test
    void aliasToAMapCarriesItsValue() {
        LoadResult result = parser.parse("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: reuse
                steps:
                  - id: a
                    uses: http.request
                    retry: &r { maxAttempts: 4 }
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                  - id: b
                    uses: http.request
                    retry: *r
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                """);

        assertThat(result.violations()).isEmpty();
        assertThat(result.definition().steps().get(1).retry().maxAttempts()).isEqualTo(4);
    }

    @Test
    void everyViolationIsCollectedBeforeAnswering() {
        LoadResult result = parser.parse("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: Many_Problems
                timeout: soon
                steps:
                  - id: a
                    uses: nope.nothing
                  - id: a
                    uses: http.request
                    with: { url: x }
                """);

        assertThat(result.violations()).extracting(Violation::path)
                .contains("name", "timeout", "steps[0].uses", "steps[1].id", "steps[1].with.method");
        assertThat(result.violations()).isSortedAccordingTo(Violation.BY_POSITION);
    }
}
