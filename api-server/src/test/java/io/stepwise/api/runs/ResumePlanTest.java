package io.stepwise.api.runs;

import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.runtime.StepStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a resume matches recorded step outcomes to a version's steps: by path and uses, loops by their body. */
class ResumePlanTest {
    private static WorkflowDefinition parse(String steps) {
        LoadResult loaded = new WorkflowParser().parse("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: w
                steps:
                %s
                """.formatted(steps.indent(2).stripTrailing()));
        assertThat(loaded.valid()).as(loaded.summary()).isTrue();
        return loaded.definition();
    }

    private static final WorkflowDefinition V1 = parse("""
            - id: fetch
              uses: http.request
              with: { method: GET, url: "http://127.0.0.1/a" }
            - id: each
              forEach:
                items: "${{ [1, 2] }}"
                steps:
                  - id: add
                    uses: transform
                    with: { value: "${{ item }}" }
            - id: shape
              uses: transform
              with: { value: "${{ steps.fetch.output.body }}" }
            """);

    private static final List<ResumePlan.Recorded> RECORDED = List.of(
            new ResumePlan.Recorded("fetch", "http.request", StepStatus.SUCCEEDED),
            new ResumePlan.Recorded("each[0].add", "transform", StepStatus.SUCCEEDED),
            new ResumePlan.Recorded("each[1].add", "transform", StepStatus.SUCCEEDED));

    @Test
    void theSameVersionKeepsEveryRecordedOutcomeAndRunsWhatIsLeft() {
        ResumePlan plan = ResumePlan.of(1, V1, 1, V1, RECORDED, List.of());
        assertThat(plan.possible()).isTrue();
        assertThat(plan.kept()).containsExactly("fetch", "each[0].add", "each[1].add");
        assertThat(plan.run()).containsExactly("each", "each[*].add", "shape");
        assertThat(plan.discarded()).isEmpty();
    }

    @Test
    void aStepThatChangedItsUsesIsDiscardedAndItsReaderMakesThePlanImpossible() {
        WorkflowDefinition v2 = parse("""
                - id: fetch
                  uses: transform
                  with: { value: { body: 1 } }
                - id: each
                  forEach:
                    items: "${{ [1, 2] }}"
                    steps:
                      - id: add
                        uses: transform
                        with: { value: "${{ item }}" }
                - id: shape
                  uses: transform
                  with: { value: "${{ steps.fetch.output.body }}" }
                """);
        ResumePlan plan = ResumePlan.of(1, V1, 2, v2, RECORDED, List.of());
        assertThat(plan.discarded()).containsExactly("fetch");
        assertThat(plan.possible()).isFalse();
        assertThat(plan.incompatibilities()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("fetch");
            assertThat(e.message()).isEqualTo("step 'fetch' succeeded and step 'shape' reads its output, but in"
                    + " version 2 it uses transform instead of http.request; keep its id and uses, or replay the run");
        });
        assertThat(ResumePlan.keeps(v2, "fetch", "http.request")).isFalse();
        assertThat(ResumePlan.keeps(v2, "each[1].add", "transform")).isTrue();
    }

    @Test
    void aRemovedStepWhoseOutputTheRunsVersionReadIsInTheWayEvenWhenTheNewVersionNoLongerReadsIt() {
        // a rename looks the same (the new version reads the new id): the run's version decides
        WorkflowDefinition v2 = parse("""
                - id: shape
                  uses: transform
                  with: { value: 1 }
                """);
        ResumePlan plan = ResumePlan.of(1, V1, 2, v2, RECORDED, List.of());
        assertThat(plan.possible()).isFalse();
        assertThat(plan.incompatibilities()).extracting(e -> e.path()).containsExactly("fetch");
        assertThat(plan.discarded()).containsExactly("fetch", "each[0].add", "each[1].add");
    }

    @Test
    void aRemovedStepNothingReadIsDiscardedQuietly() {
        WorkflowDefinition v1 = parse("""
                - id: fetch
                  uses: http.request
                  with: { method: GET, url: "http://127.0.0.1/a" }
                - id: shape
                  uses: transform
                  with: { value: 1 }
                """);
        WorkflowDefinition v2 = parse("""
                - id: shape
                  uses: transform
                  with: { value: 1 }
                """);
        ResumePlan plan = ResumePlan.of(1, v1, 2, v2,
                List.of(new ResumePlan.Recorded("fetch", "http.request", StepStatus.SUCCEEDED)), List.of());
        assertThat(plan.possible()).isTrue();
        assertThat(plan.discarded()).containsExactly("fetch");
        assertThat(plan.run()).containsExactly("shape");
    }
}
