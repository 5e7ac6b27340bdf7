package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.HttpRequestAction;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The interpreter's caps (RunLimits): a forEach over too many items, and events beyond the buffer. */
class RunLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final InMemoryDefinitions DEFINITIONS = new InMemoryDefinitions();
    static final InMemoryProjection PROJECTION = new InMemoryProjection();
    static final String DEFAULT_CAPS = "default-caps";
    /** A worker whose runs may loop over 3 items and hold 2 events. */
    static final String SMALL_CAPS = "small-caps";

    static TestWorkflowEnvironment env;
    static WorkflowClient client;

    @BeforeAll
    static void startWorkers() {
        env = TestWorkflowEnvironment.newInstance();
        Worker defaults = env.newWorker(DEFAULT_CAPS);
        defaults.registerWorkflowImplementationTypes(AuthoredWorkflowImpl.class);
        Worker small = env.newWorker(SMALL_CAPS);
        small.registerWorkflowImplementationFactory(AuthoredWorkflow.class,
                () -> new AuthoredWorkflowImpl(new RunLimits(3, 2)));
        for (Worker worker : new Worker[] {defaults, small}) {
            worker.registerActivitiesImplementations(DEFINITIONS, PROJECTION,
                    new ActionActivitiesImpl(ActionCatalog.discover(), new HttpRequestAction()));
        }
        env.start();
        client = env.getWorkflowClient();
    }

    @AfterAll
    static void stopWorkers() {
        env.close();
    }

    private static final String LOOP = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: loop
            inputs:
              items: { type: array }
            steps:
              - id: each
                forEach:
                  items: ${{ inputs.items }}
                  steps:
                    - id: double
                      uses: transform
                      with: { value: "${{ item * 2 }}" }
            outputs:
              doubled: ${{ steps.each.output }}
            """;

    private static final String HOLD = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: hold
            steps:
              - id: hold
                uses: event.wait
                with: { event: go }
            outputs:
              by: ${{ steps.hold.output.user }}
            """;

    private record Started(String runId, WorkflowStub stub) {
        AuthoredWorkflow typed() {
            return client.newWorkflowStub(AuthoredWorkflow.class, stub.getExecution().getWorkflowId());
        }
    }

    private static Started start(String queue, String yaml, ObjectNode inputs) {
        String versionId = DEFINITIONS.add(yaml);
        String runId = UUID.randomUUID().toString();
        AuthoredWorkflow wf = client.newWorkflowStub(AuthoredWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(queue).setWorkflowId(RuntimeContract.workflowId(runId)).build());
        WorkflowClient.start(wf::run, new RunInput(runId, "test.limits", versionId, inputs, 1, Map.of()));
        return new Started(runId, WorkflowStub.fromTyped(wf));
    }

    private static ObjectNode items(int n) {
        ObjectNode inputs = JSON.createObjectNode();
        ArrayNode list = inputs.putArray("items");
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return inputs;
    }

    @Test
    void aForEachOverMoreItemsThanTheDefaultCapFailsThatStepWithTheCap() {
        Started run = start(DEFAULT_CAPS, LOOP, items(1001));

        assertThatThrownBy(() -> run.stub().getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
        InMemoryProjection.StepRecord each = PROJECTION.step(run.runId(), "each", 1);
        assertThat(each.status()).isEqualTo(StepStatus.FAILED);
        assertThat(each.error()).isEqualTo(new RunError("each",
                "forEach.items has 1001 items; the limit is 1000 (stepwise.worker.max-foreach-items)", "LimitExceeded"));
        assertThat(PROJECTION.run(run.runId()).error().type()).isEqualTo("LimitExceeded");
        assertThat(PROJECTION.events(run.runId())).as("no iteration ran").noneMatch(e -> e.contains("each[0]"));
    }

    @Test
    void aConfiguredCapLetsExactlyThatManyItemsThroughAndFailsOneMore() throws Exception {
        Started exactly = start(SMALL_CAPS, LOOP, items(3));
        Started oneMore = start(SMALL_CAPS, LOOP, items(4));

        assertThat(exactly.stub().getResult(RunResult.class).output().path("doubled").toString()).isEqualTo("[0,2,4]");
        assertThatThrownBy(() -> oneMore.stub().getResult(RunResult.class)).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.step(oneMore.runId(), "each", 1).error().message())
                .isEqualTo("forEach.items has 4 items; the limit is 3 (stepwise.worker.max-foreach-items)");

        // a worker with other caps replays the run as it ran: the cap is read from the history
        WorkflowExecutionHistory history = client.fetchHistory(oneMore.stub().getExecution().getWorkflowId());
        WorkflowReplayer.replayWorkflowExecution(history, AuthoredWorkflowImpl.class);
        recordHistory(history, "foreach-over-its-cap");
    }

    @Test
    void eventsBeyondTheBufferAreDroppedAndCountedAndTheRunStillCompletes() throws Exception {
        Started run = start(SMALL_CAPS, HOLD, JSON.createObjectNode());
        AuthoredWorkflow typed = run.typed();
        // the wait is open, so the run has read its caps: from here the buffer holds 2 events
        waitUntil(() -> !typed.state().waits().isEmpty());
        for (int i = 0; i < 3; i++) {
            run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("other", null, JSON.createObjectNode().put("n", i)));
        }
        waitUntil(() -> typed.state().droppedEvents() == 1);

        RunState full = typed.state();
        assertThat(full.bufferedEvents()).isEqualTo(2);
        assertThat(full.bufferLimit()).isEqualTo(2);
        assertThat(full.bufferFull()).isTrue();
        assertThat(full.keeps(new EventSignal("other", null, null))).isFalse();
        assertThat(full.keeps(new EventSignal("go", null, null))).as("the open wait takes it").isTrue();
        // a full buffer drops only events no open wait takes: the awaited one still gets in
        run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("go", null, JSON.createObjectNode().put("user", "ann")));

        RunResult result = run.stub().getResult(RunResult.class);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output().path("by").asText()).isEqualTo("ann");
        assertThat(typed.state().droppedEvents()).isEqualTo(1);
        WorkflowExecutionHistory history = client.fetchHistory(run.stub().getExecution().getWorkflowId());
        WorkflowReplayer.replayWorkflowExecution(history, AuthoredWorkflowImpl.class);
        recordHistory(history, "events-beyond-the-buffer");
    }

    /** Polls a condition a bounded number of times; no duration is asserted. */
    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the condition never held");
    }

    /** As AuthoredWorkflowTest: with {@code -Dstepwise.recordHistories=true}, for InterpreterReplayTest. */
    private static void recordHistory(WorkflowExecutionHistory history, String name) throws IOException {
        if (!Boolean.getBoolean("stepwise.recordHistories")) {
            return;
        }
        Path dir = Path.of("src/test/resources/histories");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), history.toJson(true));
    }
}
