package io.stepwise.core.dsl;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step's timeout and retry bound and repeat an activity: a new source that sets them where they
 * would be ignored is refused, while a version stored before that rule stays runnable.
 */
class StepTimeoutRetryTest {
    private static final String RETRY_ON_NOOP = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: old
            steps:
              - id: a
                uses: noop
                retry: { maxAttempts: 3 }
              - id: call
                uses: http.request
                with: { method: GET, url: "http://127.0.0.1:9/" }
                retry: { maxAttempts: 2 }
                timeout: 5s
            """;

    private final WorkflowParser parser = new WorkflowParser();

    @Test
    void aNewSourceIsRefusedAtTheField() {
        LoadResult result = parser.parse(RETRY_ON_NOOP);

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("steps[0].retry");
            assertThat(v.line()).isEqualTo(7);
            assertThat(v.message()).startsWith("'retry' does not apply to a noop step: it runs in workflow code");
        });
    }

    @Test
    void aStoredVersionWithTheSameFieldStillLoadsForItsRuns() throws Exception {
        // what the store holds for a version accepted before the rule: its canonical JSON
        var json = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(RETRY_ON_NOOP);

        LoadResult stored = parser.fromStoredJson(json);

        assertThat(stored.violations()).isEmpty();
        assertThat(stored.definition().steps()).extracting(Step::id).containsExactly("a", "call");
        assertThat(stored.definition().steps().get(1).retry().maxAttempts()).isEqualTo(2);
    }
}
