package io.stepwise.core.dsl;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The content hash is the real version of a definition: it follows meaning, not layout. */
class ContentHashTest {
    private final WorkflowParser parser = new WorkflowParser();

    private static final String BASE = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: escalate
            description: Escalate a ticket
            inputs:
              ticketId: { type: string, required: true }
              priority: { type: integer, default: 3 }
            steps:
              - id: fetch
                uses: http.request
                with:
                  method: GET
                  url: https://t.example/${{ inputs.ticketId }}
                  headers: { Accept: application/json }
                retry: { maxAttempts: 3, initialInterval: 2s }
              - id: classify
                uses: transform
                with:
                  value:
                    urgent: ${{ inputs.priority >= 4 }}
                    limit: 3
            outputs:
              urgent: ${{ steps.classify.output.urgent }}
            """;

    /** Same meaning: keys reordered, flow style, comments, quoting, blank lines, CRLF-free. */
    private static final String REFORMATTED = """
            # a comment at the top
            kind: "Workflow"          # quoted scalar
            apiVersion: 'stepwise/v1'
            steps:
              - uses: http.request
                id: fetch
                retry:
                  initialInterval: 2s
                  maxAttempts: 3
                with: {headers: {Accept: application/json}, url: "https://t.example/${{ inputs.ticketId }}", method: GET}

              - { id: classify, uses: transform, with: { value: { limit: 3, urgent: "${{ inputs.priority >= 4 }}" } } }
            outputs: { urgent: "${{ steps.classify.output.urgent }}" }
            inputs:
              priority:
                default: 3
                type: integer
              ticketId:
                required: true
                type: string
            name: escalate
            description: >-
              Escalate a ticket
            """;

    private LoadResult load(String yaml) {
        LoadResult result = parser.parse(yaml);
        assertThat(result.violations()).as("violations").isEmpty();
        return result;
    }

    @Test
    void theHashIsTheSha256OfTheCanonicalJson() {
        LoadResult result = load(BASE);
        assertThat(result.contentHash()).matches("[0-9a-f]{64}");
        assertThat(result.contentHash()).isEqualTo(CanonicalJson.sha256(result.canonicalJson()));
        assertThat(result.canonicalJson()).doesNotContain("\n").doesNotContain(": ");
        assertThat(result.canonicalJson()).startsWith("{\"apiVersion\":\"stepwise/v1\",\"description\"");
    }

    @Test
    void layoutKeyOrderCommentsAndStyleDoNotChangeTheHash() {
        LoadResult base = load(BASE);
        LoadResult other = load(REFORMATTED);
        assertThat(other.canonicalJson()).isEqualTo(base.canonicalJson());
        assertThat(other.contentHash()).isEqualTo(base.contentHash());
    }

    @Test
    void windowsLineEndingsAndTrailingCommentsDoNotChangeTheHash() {
        String crlf = BASE.replace("\n", "\r\n") + "# the end\r\n";
        assertThat(load(crlf).contentHash()).isEqualTo(load(BASE).contentHash());
    }

    @Test
    void anchorsAndAliasesHashLikeTheExpandedText() {
        String expanded = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: anchors
                steps:
                  - id: a
                    uses: http.request
                    retry: { maxAttempts: 3, initialInterval: 1s }
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                  - id: b
                    uses: http.request
                    retry: { maxAttempts: 3, initialInterval: 1s }
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                """;
        String aliased = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: anchors
                steps:
                  - id: a
                    uses: http.request
                    retry: &r { maxAttempts: 3, initialInterval: 1s }
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                  - id: b
                    uses: http.request
                    retry: *r
                    with: { method: GET, url: "http://127.0.0.1:9/" }
                """;
        assertThat(load(aliased).contentHash()).isEqualTo(load(expanded).contentHash());
    }

    @Test
    void theFileNameDoesNotTakePartInTheHash() {
        byte[] bytes = BASE.getBytes(StandardCharsets.UTF_8);
        LoadResult asYaml = parser.parse(bytes, "packs/support/workflows/escalate.yaml");
        LoadResult asYml = parser.parse(bytes, "escalate.yml");
        assertThat(asYaml.valid()).isTrue();
        assertThat(asYml.contentHash()).isEqualTo(asYaml.contentHash()).isEqualTo(load(BASE).contentHash());
    }

    static Stream<Arguments> semanticChanges() {
        return Stream.of(
                Arguments.of("a step's with value", "method: GET", "method: POST"),
                Arguments.of("an expression", "inputs.priority >= 4", "inputs.priority > 4"),
                Arguments.of("3 versus 4", "limit: 3", "limit: 4"),
                Arguments.of("a number versus a string", "limit: 3", "limit: '3'"),
                Arguments.of("the description", "description: Escalate a ticket", "description: Escalate a ticket!"),
                Arguments.of("a default", "default: 3 }", "default: 4 }"),
                Arguments.of("required", "required: true }", "required: false }"),
                Arguments.of("a header name's case", "Accept: application/json", "accept: application/json"),
                Arguments.of("a retry setting", "maxAttempts: 3", "maxAttempts: 4"),
                Arguments.of("a new step", "outputs:\n", """
                          - id: extra
                            uses: noop
                        outputs:
                        """),
                Arguments.of("the step order", """
                          - id: fetch
                            uses: http.request
                        """, """
                          - id: zzz
                            uses: noop
                          - id: fetch
                            uses: http.request
                        """),
                Arguments.of("a new optional field", "description: Escalate a ticket\n",
                        "description: Escalate a ticket\nversion: 1.2.0\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("semanticChanges")
    void anySemanticChangeChangesTheHash(String label, String from, String to) {
        assertThat(BASE).contains(from);
        String changed = BASE.replace(from, to);
        LoadResult base = load(BASE);
        LoadResult other = load(changed);
        assertThat(other.contentHash()).isNotEqualTo(base.contentHash());
        assertThat(other.canonicalJson()).isNotEqualTo(base.canonicalJson());
    }

    @Test
    void swappingTwoStepsChangesTheHash() {
        String swapped = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: swap
                steps:
                  - { id: b, uses: noop }
                  - { id: a, uses: noop }
                """;
        String original = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: swap
                steps:
                  - { id: a, uses: noop }
                  - { id: b, uses: noop }
                """;
        assertThat(load(swapped).contentHash()).isNotEqualTo(load(original).contentHash());
    }

    @Test
    void threeAndThreePointZeroAreTheSameNumber() {
        String hash = load(BASE).contentHash();
        assertThat(load(BASE.replace("limit: 3", "limit: 3.0")).contentHash()).isEqualTo(hash);
        assertThat(load(BASE.replace("limit: 3", "limit: 3.00")).contentHash()).isEqualTo(hash);
        assertThat(load(BASE.replace("default: 3 }", "default: 3.0 }")).contentHash()).isEqualTo(hash);
        assertThat(load(BASE.replace("limit: 3", "limit: 0.3e1")).contentHash()).isEqualTo(hash);
        assertThat(load(BASE.replace("limit: 3", "limit: 3.5")).contentHash()).isNotEqualTo(hash);
    }

    @Test
    void numbersAreWrittenInTheirShortestExactForm() {
        String yaml = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: nums
                steps:
                  - id: a
                    uses: noop
                    with: { a: 1000, b: 1.0e+3, c: 2.50, d: 0.1, f: 12345678901234567890 }
                """;
        String canonical = load(yaml).canonicalJson();
        assertThat(canonical).contains("{\"a\":1000,\"b\":1000,\"c\":2.5,\"d\":0.1,\"f\":12345678901234567890}");
    }

    @Test
    void anInvalidButParsableDefinitionStillHasAHashAndBrokenYamlHasNone() {
        LoadResult invalid = parser.parse(BASE.replace("uses: transform", "uses: nope.nothing"));
        assertThat(invalid.valid()).isFalse();
        assertThat(invalid.contentHash()).matches("[0-9a-f]{64}").isNotEqualTo(load(BASE).contentHash());

        LoadResult broken = parser.parse("steps: [ { id: a");
        assertThat(broken.valid()).isFalse();
        assertThat(broken.contentHash()).isNull();
        assertThat(broken.canonicalJson()).isNull();
    }

    @Test
    void theStoredCanonicalFormLoadsBackToTheSameHash() throws Exception {
        LoadResult base = load(BASE);
        LoadResult again = parser.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(base.canonicalJson()));
        assertThat(again.violations()).isEmpty();
        assertThat(again.contentHash()).isEqualTo(base.contentHash());
        assertThat(again.canonicalJson()).isEqualTo(base.canonicalJson());
    }

    private static String withValue(String value) {
        return """
                apiVersion: stepwise/v1
                kind: Workflow
                name: prop
                steps:
                  - id: a
                    uses: noop
                    with: { n: %s }
                """.formatted(value);
    }

    /** Up to 2^53 every integer is exact as a YAML float too; beyond it 100000000000000001.0 loads as a double, 1e17. */
    @Property(tries = 300)
    void anIntegerWithTrailingZerosHashesLikeTheInteger(
            @ForAll @LongRange(min = -(1L << 53), max = 1L << 53) long n, @ForAll @IntRange(min = 1, max = 4) int zeros) {
        String plain = new WorkflowParser().parse(withValue(Long.toString(n))).contentHash();
        String decimal = new WorkflowParser().parse(withValue(n + "." + "0".repeat(zeros))).contentHash();
        assertThat(decimal).isEqualTo(plain);
        String other = new WorkflowParser().parse(withValue(Long.toString(n + 1))).contentHash();
        assertThat(other).isNotEqualTo(plain);
    }

    @Property(tries = 100)
    void theOrderOfKeysNeverMatters(@ForAll Random random) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            entries.add("k" + i + ": v" + (i * 7));
        }
        String sorted = withValue("0").replace("n: 0", String.join(", ", entries));
        Collections.shuffle(entries, random);
        String shuffled = withValue("0").replace("n: 0", String.join(", ", entries));
        WorkflowParser p = new WorkflowParser();
        assertThat(p.parse(shuffled).contentHash()).isEqualTo(p.parse(sorted).contentHash());
    }
}
