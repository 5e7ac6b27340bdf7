package io.stepwise.core.dsl;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which steps and variables an expression may read, by where it sits: earlier steps only,
 * {@code item}/{@code index} inside forEach, {@code event} in triggers, every top-level step in outputs.
 */
class StepOrderTest {
    private static final String HEAD = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: order
            """;
    private final WorkflowParser parser = new WorkflowParser();

    private LoadResult load(String body) {
        return parser.parse(HEAD + body);
    }

    private void assertValid(String body) {
        LoadResult result = load(body);
        assertThat(result.violations()).as("violations").isEmpty();
        assertThat(result.valid()).isTrue();
    }

    private List<Violation> violations(String body) {
        LoadResult result = load(body);
        assertThat(result.valid()).isFalse();
        assertThat(result.definition()).isNull();
        return result.violations();
    }

    /**
     * 1-based line and column of the first occurrence of {@code marker} in the whole document
     * (the head included), i.e. where an editor would put the cursor.
     */
    private static int[] positionOf(String body, String marker) {
        String[] lines = (HEAD + body).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int col = lines[i].indexOf(marker);
            if (col >= 0) {
                return new int[]{i + 1, col + 1};
            }
        }
        throw new AssertionError("marker not found: " + marker);
    }

    private static void assertSingle(List<Violation> violations, String path, int[] at, String message) {
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo(path);
            assertThat(v.line()).as("line").isEqualTo(at[0]);
            assertThat(v.column()).as("column").isEqualTo(at[1]);
            assertThat(v.message()).contains(message);
        });
    }

    @Nested
    class TopLevelSteps {
        @Test
        void readingAnEarlierStepIsFine() {
            assertValid("""
                    steps:
                      - id: fetch
                        uses: noop
                        with: { body: { id: 1 } }
                      - id: classify
                        uses: transform
                        when: ${{ steps.fetch.status == 'SUCCEEDED' }}
                        with:
                          value: ${{ steps.fetch.output.body.id }}
                      - id: report
                        uses: log
                        with:
                          message: "fetched ${{ steps.fetch.output.body.id }}, urgent=${{ steps['classify'].output }}"
                    """);
        }

        @Test
        void readingALaterStepIsAViolationAtTheExpression() {
            String body = """
                    steps:
                      - id: a
                        uses: transform
                        with:
                          value: ${{ steps.b.output }}
                      - id: b
                        uses: noop
                    """;
            assertSingle(violations(body), "steps[0].with.value", positionOf(body, "steps.b.output"),
                    "step 'b' does not run before this point");
        }

        @Test
        void theColumnIsExactInsideQuotedAndInterpolatedStrings() {
            String body = """
                    steps:
                      - id: a
                        uses: log
                        with: { message: "owner is ${{ steps.later.output.owner }}" }
                      - id: later
                        uses: noop
                    """;
            assertSingle(violations(body), "steps[0].with.message", positionOf(body, "steps.later.output"),
                    "step 'later' does not run before this point");
        }

        @Test
        void aLaterStepInWhenIsAViolationToo() {
            String body = """
                    steps:
                      - id: a
                        uses: noop
                        when: ${{ steps.b.status == 'SUCCEEDED' }}
                      - id: b
                        uses: noop
                    """;
            assertSingle(violations(body), "steps[0].when", positionOf(body, "steps.b.status"),
                    "step 'b' does not run before this point");
        }

        @Test
        void theBracketFormIsCheckedLikeTheDotForm() {
            String body = """
                    steps:
                      - id: a
                        uses: transform
                        with:
                          value: ${{ steps['b-2'].output }}
                      - id: b-2
                        uses: noop
                    """;
            assertSingle(violations(body), "steps[0].with.value", positionOf(body, "steps['b-2']"),
                    "step 'b-2' does not run before this point");
        }

        @Test
        void aStepCannotReadItself() {
            String body = """
                    steps:
                      - id: first
                        uses: noop
                      - id: self
                        uses: transform
                        with:
                          value: ${{ steps.self.output }}
                    """;
            assertSingle(violations(body), "steps[1].with.value", positionOf(body, "steps.self"),
                    "step 'self' does not run before this point");
        }

        @Test
        void anUnknownStepIsNamed() {
            String body = """
                    steps:
                      - id: a
                        uses: transform
                        with:
                          value: ${{ steps.nothere.output }}
                    """;
            assertSingle(violations(body), "steps[0].with.value", positionOf(body, "steps.nothere"),
                    "unknown step 'nothere'");
        }

        @Test
        void everyBadReferenceIsReportedInDocumentOrder() {
            String body = """
                    steps:
                      - id: a
                        uses: transform
                        with:
                          value: ${{ steps.c.output }}
                      - id: b
                        uses: transform
                        with:
                          value: ${{ steps.c.status }}
                      - id: c
                        uses: transform
                        with:
                          value: ${{ steps.a.output + steps.b.output }}
                    """;
            List<Violation> violations = violations(body);
            assertThat(violations).extracting(Violation::path)
                    .containsExactly("steps[0].with.value", "steps[1].with.value");
            assertThat(violations).extracting(Violation::line)
                    .containsExactly(positionOf(body, "steps.c.output")[0], positionOf(body, "steps.c.status")[0]);
        }
    }

    @Nested
    class ForEachBodies {
        @Test
        void theBodyMayReadEarlierSiblingsAndEarlierOuterSteps() {
            assertValid("""
                    steps:
                      - id: fetch
                        uses: noop
                        with: { watchers: [{ channel: a }, { channel: b }] }
                      - id: notify-all
                        forEach:
                          items: ${{ steps.fetch.output.watchers }}
                          steps:
                            - id: build
                              uses: transform
                              with:
                                value: "${{ steps.fetch.output.watchers.size() }}:${{ item.channel }}:${{ index }}"
                            - id: send
                              uses: log
                              with:
                                message: ${{ steps.build.output + ' ' + string(steps.fetch.output.watchers.size()) }}
                      - id: after
                        uses: transform
                        with:
                          value: ${{ steps['notify-all'].output }}
                    """);
        }

        private static final String LATER_SIBLING = """
                steps:
                  - id: loop
                    forEach:
                      items: [1, 2]
                      steps:
                        - id: one
                          uses: transform
                          with:
                            value: ${{ steps.two.output }}
                        - id: two
                          uses: noop
                """;

        @Test
        void theBodyMayNotReadALaterSibling() {
            assertSingle(violations(LATER_SIBLING), "steps[0].forEach.steps[0].with.value",
                    positionOf(LATER_SIBLING, "steps.two"), "step 'two'");
        }

        @Test
        void aLaterSiblingInTheSameBodyIsReportedAsNotRunYet() {
            assertSingle(violations(LATER_SIBLING), "steps[0].forEach.steps[0].with.value",
                    positionOf(LATER_SIBLING, "steps.two"), "step 'two' does not run before this point");
        }

        @Test
        void theBodyMayNotReadALaterOuterStepNorItsOwnLoop() {
            String body = """
                    steps:
                      - id: loop
                        forEach:
                          items: [1, 2]
                          steps:
                            - id: one
                              uses: noop
                              with:
                                value: ${{ steps.after.output }}
                                mine: ${{ steps.loop.output }}
                      - id: after
                        uses: noop
                    """;
            List<Violation> violations = violations(body);
            assertThat(violations).hasSize(2);
            assertThat(violations.get(0).path()).isEqualTo("steps[0].forEach.steps[0].with.value");
            assertThat(violations.get(0).line()).isEqualTo(positionOf(body, "steps.after")[0]);
            assertThat(violations.get(0).message()).contains("step 'after' does not run before this point");
            assertThat(violations.get(1).path()).isEqualTo("steps[0].forEach.steps[0].with.mine");
            assertThat(violations.get(1).message()).contains("step 'loop' does not run before this point");
        }

        @Test
        void nestedLoopsSeeTheEnclosingBodysEarlierSteps() {
            assertValid("""
                    steps:
                      - id: top
                        uses: noop
                      - id: outer
                        forEach:
                          items: [[1, 2], [3]]
                          steps:
                            - id: prepare
                              uses: transform
                              with: { value: "${{ index }}" }
                            - id: inner
                              forEach:
                                items: ${{ item }}
                                steps:
                                  - id: leaf
                                    uses: transform
                                    with:
                                      value: ${{ [steps.prepare.output, steps.top.output, item, index] }}
                    """);
        }

        @Test
        void aStepAfterTheLoopCannotReadANestedStep() {
            String body = """
                    steps:
                      - id: loop
                        forEach:
                          items: [1]
                          steps:
                            - id: inside
                              uses: noop
                      - id: after
                        uses: transform
                        with:
                          value: ${{ steps.inside.output }}
                    """;
            assertSingle(violations(body), "steps[1].with.value", positionOf(body, "steps.inside"),
                    "step 'inside' runs inside a forEach and is not visible here");
        }

        @Test
        void itemAndIndexWorkOnlyInsideTheBody() {
            assertValid("""
                    steps:
                      - id: loop
                        forEach:
                          items: [a, b]
                          steps:
                            - id: use
                              uses: log
                              when: ${{ index > 0 }}
                              with: { message: "${{ index }}: ${{ item }}" }
                    """);
            String outside = """
                    steps:
                      - id: a
                        uses: log
                        with:
                          message: "at ${{ index }}"
                    """;
            assertSingle(violations(outside), "steps[0].with.message", positionOf(outside, "index }}"),
                    "'index' is bound only inside a forEach body");
        }

        @Test
        void theLoopsOwnItemsExpressionCannotReadItem() {
            String body = """
                    steps:
                      - id: loop
                        forEach:
                          items: ${{ item.children }}
                          steps:
                            - id: use
                              uses: noop
                    """;
            assertSingle(violations(body), "steps[0].forEach.items", positionOf(body, "item.children"),
                    "'item' is bound only inside a forEach body");
        }

        @Test
        void theLoopsOwnItemsExpressionCannotReadItsBody() {
            String body = """
                    steps:
                      - id: loop
                        forEach:
                          items: ${{ steps.use.output }}
                          steps:
                            - id: use
                              uses: noop
                    """;
            List<Violation> violations = violations(body);
            assertThat(violations).singleElement().satisfies(v -> {
                assertThat(v.path()).isEqualTo("steps[0].forEach.items");
                assertThat(v.message()).contains("'use'");
            });
        }
    }

    @Nested
    class TriggersAndOutputs {
        @Test
        void eventIsBoundInTriggers() {
            assertValid("""
                    inputs:
                      ticketId: { type: string }
                    triggers:
                      - event: ticket.created
                        inputs:
                          ticketId: ${{ event.payload.id }}
                    steps:
                      - id: a
                        uses: noop
                    """);
        }

        @Test
        void eventIsNotBoundInSteps() {
            String body = """
                    steps:
                      - id: a
                        uses: log
                        with:
                          message: ${{ event.payload.id }}
                    """;
            assertSingle(violations(body), "steps[0].with.message", positionOf(body, "event.payload"),
                    "'event' is bound only in trigger inputs");
        }

        @Test
        void eventIsNotBoundInOutputs() {
            String body = """
                    steps:
                      - id: a
                        uses: noop
                    outputs:
                      id: ${{ event.payload.id }}
                    """;
            assertSingle(violations(body), "outputs.id", positionOf(body, "event.payload"),
                    "'event' is bound only in trigger inputs");
        }

        @Test
        void triggersReadOnlyTheEvent() {
            String body = """
                    inputs:
                      a: { type: string }
                      b: { type: string }
                      c: { type: integer }
                    triggers:
                      - event: ticket.created
                        inputs:
                          a: ${{ inputs.a }}
                          b: ${{ steps.x.output }}
                          c: ${{ run.attempt }}
                    steps:
                      - id: x
                        uses: noop
                    """;
            List<Violation> violations = violations(body);
            assertThat(violations).extracting(Violation::path)
                    .containsExactly("triggers[0].inputs.a", "triggers[0].inputs.b", "triggers[0].inputs.c");
            assertThat(violations).allSatisfy(v -> assertThat(v.message()).contains("may read 'event' only"));
            assertThat(violations.get(1).line()).isEqualTo(positionOf(body, "steps.x")[0]);
        }

        @Test
        void outputsMayReadEveryTopLevelStep() {
            assertValid("""
                    steps:
                      - id: first
                        uses: noop
                      - id: loop
                        forEach:
                          items: [1, 2]
                          steps:
                            - id: inner
                              uses: noop
                      - id: last
                        uses: transform
                        with: { value: 3 }
                    outputs:
                      first: ${{ steps.first.output }}
                      all: ${{ steps.loop.output }}
                      last: ${{ steps['last'].output }}
                      summary: "${{ steps.first.status }}/${{ steps.last.status }}"
                      who: ${{ run.id + inputs.size() }}
                    """);
        }

        @Test
        void outputsCannotReachIntoALoopBodyNorUseItem() {
            String body = """
                    steps:
                      - id: loop
                        forEach:
                          items: [1, 2]
                          steps:
                            - id: inner
                              uses: noop
                    outputs:
                      x: ${{ steps.inner.output }}
                      y: ${{ item }}
                    """;
            List<Violation> violations = violations(body);
            assertThat(violations).hasSize(2);
            assertThat(violations.get(0).path()).isEqualTo("outputs.x");
            assertThat(violations.get(0).message()).contains("step 'inner' runs inside a forEach");
            assertThat(violations.get(1).path()).isEqualTo("outputs.y");
            assertThat(violations.get(1).message()).contains("'item' is bound only inside a forEach body");
            assertThat(new int[]{violations.get(1).line(), violations.get(1).column()})
                    .containsExactly(positionOf(body, "item }}"));
        }

        @Test
        void outputsCannotReadAStepThatDoesNotExist() {
            String body = """
                    steps:
                      - id: a
                        uses: noop
                    outputs:
                      x: ${{ steps.b.output }}
                    """;
            assertSingle(violations(body), "outputs.x", positionOf(body, "steps.b"), "unknown step 'b'");
        }
    }
}
