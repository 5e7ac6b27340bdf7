package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.HttpRequestAction;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The interpreter on Temporal's time-skipping test server, with the real http.request against a local server. */
class AuthoredWorkflowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TestHttpServer HTTP = startServer();
    static final InMemoryDefinitions DEFINITIONS = new InMemoryDefinitions();
    static final InMemoryProjection PROJECTION = new InMemoryProjection();

    @RegisterExtension
    static final TestWorkflowExtension TEMPORAL = TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(AuthoredWorkflowImpl.class)
            .setActivityImplementations(DEFINITIONS, PROJECTION,
                    new ActionActivitiesImpl(ActionCatalog.discover(), new HttpRequestAction()))
            .build();

    private static TestHttpServer startServer() {
        try {
            return new TestHttpServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopServer() {
        HTTP.close();
    }

    private static String workflow(String name, String inputs, String steps, String outputs) {
        return "apiVersion: stepwise/v1\nkind: Workflow\nname: " + name + "\n" + inputs + "steps:\n" + steps + outputs;
    }

    private record Started(String runId, WorkflowStub stub) {
        RunResult result() {
            return stub.getResult(RunResult.class);
        }
    }

    private static Started start(WorkflowClient client, WorkflowOptions options, String yaml, String inputsJson,
                                 Map<String, RecordedStep> recorded, int attempt, String runId) throws IOException {
        String versionId = DEFINITIONS.add(yaml);
        String id = runId == null ? UUID.randomUUID().toString() : runId;
        AuthoredWorkflow wf = client.newWorkflowStub(AuthoredWorkflow.class, WorkflowOptions.newBuilder(options)
                .setWorkflowId(RuntimeContract.workflowId(id) + "-" + attempt).build());
        WorkflowClient.start(wf::run, new RunInput(id, "test." + "wf", versionId,
                JSON.readTree(inputsJson), attempt, recorded));
        return new Started(id, WorkflowStub.fromTyped(wf));
    }

    private static Started start(WorkflowClient client, WorkflowOptions options, String yaml, String inputsJson)
            throws IOException {
        return start(client, options, yaml, inputsJson, Map.of(), 1, null);
    }

    @Test
    void stepsRunInOrderAndFeedLaterExpressions(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("in-order", "inputs:\n  who: { type: string }\n", """
                  - id: fetch
                    uses: http.request
                    with: { method: GET, url: "%s" }
                  - id: classify
                    uses: transform
                    with:
                      value:
                        urgent: ${{ steps.fetch.output.body.priority >= 4 }}
                        owner: ${{ steps.fetch.output.body.owner }}
                        who: "for ${{ inputs.who }} (attempt ${{ run.attempt }})"
                  - id: note
                    uses: log
                    with: { message: "classified ${{ steps.classify.output.owner }}" }
                  - id: echo
                    uses: noop
                    with: { status: "${{ steps.fetch.status }}" }
                """.formatted(HTTP.url("/json")), "outputs:\n  urgent: ${{ steps.classify.output.urgent }}\n  owner: ${{ steps.classify.output.owner }}\n");

        Started run = start(client, options, yaml, "{\"who\": \"bob\"}");
        RunResult result = run.result();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(JSON.readTree("{\"urgent\": true, \"owner\": \"ann\"}"));
        assertThat(PROJECTION.events(run.runId())).containsExactly(
                "run-started 1",
                "step-started fetch", "step-succeeded fetch",
                "step-started classify", "step-succeeded classify",
                "step-started note", "step-succeeded note",
                "step-started echo", "step-succeeded echo",
                "run-finished SUCCEEDED");
        assertThat(PROJECTION.step(run.runId(), "fetch", 1).output().path("status").asInt()).isEqualTo(200);
        assertThat(PROJECTION.step(run.runId(), "fetch", 1).uses()).isEqualTo("http.request");
        assertThat(PROJECTION.step(run.runId(), "classify", 1).output().path("who").asText()).isEqualTo("for bob (attempt 1)");
        assertThat(PROJECTION.step(run.runId(), "echo", 1).output().path("status").asText()).isEqualTo("SUCCEEDED");
        recordHistory(client, run, "steps-in-order");
    }

    @Test
    void falseWhenSkipsTheStepAndOutputsOfSkippedStepsAreNull(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("skips", "inputs:\n  go: { type: boolean, default: false }\n", """
                  - id: maybe
                    when: ${{ inputs.go }}
                    uses: transform
                    with: { value: { user: ann } }
                  - id: after
                    uses: transform
                    with: { value: "${{ steps.maybe.status }}" }
                """, "outputs:\n  user: ${{ steps.maybe.output.user }}\n  seen: ${{ steps.after.output }}\n");

        Started run = start(client, options, yaml, "{\"go\": false}");
        RunResult result = run.result();

        assertThat(result.output()).isEqualTo(JSON.readTree("{\"user\": null, \"seen\": \"SKIPPED\"}"));
        assertThat(PROJECTION.step(run.runId(), "maybe", 1).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(PROJECTION.events(run.runId())).doesNotContain("step-started maybe");
        recordHistory(client, run, "skipped-step");
    }

    @Test
    void failStepFailsTheRunWithStepMessageAndType(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("fails", "", """
                  - id: first
                    uses: noop
                  - id: stop
                    uses: fail
                    with: { message: "ticket ${{ run.id }} is closed" }
                  - id: never
                    uses: noop
                """, "");

        Started run = start(client, options, yaml, "{}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class)
                .cause().isInstanceOf(ApplicationFailure.class)
                .satisfies(f -> assertThat(((ApplicationFailure) f).getType()).isEqualTo("StepFailed"));
        RunError error = PROJECTION.run(run.runId()).error();
        assertThat(error).isEqualTo(new RunError("stop", "ticket " + run.runId() + " is closed", "StepFailed"));
        assertThat(PROJECTION.run(run.runId()).status()).isEqualTo(RunStatus.FAILED);
        assertThat(PROJECTION.step(run.runId(), "stop", 1).status()).isEqualTo(StepStatus.FAILED);
        assertThat(PROJECTION.events(run.runId())).doesNotContain("step-started never");
    }

    @Test
    void continueOnErrorRecordsTheFailureAndGoesOn(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("goes-on", "", """
                  - id: missing
                    uses: http.request
                    with: { method: GET, url: "%s" }
                    continueOnError: true
                  - id: next
                    uses: transform
                    with: { value: "${{ steps.missing.status }}" }
                """.formatted(HTTP.url("/status/404")), "outputs:\n  seen: ${{ steps.next.output }}\n");

        Started run = start(client, options, yaml, "{}");
        RunResult result = run.result();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output().path("seen").asText()).isEqualTo("FAILED");
        InMemoryProjection.StepRecord missing = PROJECTION.step(run.runId(), "missing", 1);
        assertThat(missing.status()).isEqualTo(StepStatus.FAILED);
        assertThat(missing.error().type()).isEqualTo(HttpRequestAction.CLIENT_ERROR);
        assertThat(missing.error().message()).contains("answered 404");
        assertThat(missing.attempts()).as("4xx is not retried").isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedByTheStepsRetryPolicy(WorkflowClient client, WorkflowOptions options) throws IOException {
        String path = "/flaky/2?" + UUID.randomUUID();
        String yaml = workflow("retries", "", """
                  - id: call
                    uses: http.request
                    with: { method: GET, url: "%s" }
                    retry: { maxAttempts: 4, initialInterval: 1s }
                """.formatted(HTTP.url(path)), "outputs:\n  call: ${{ steps.call.output.body.call }}\n");

        int before = HTTP.hits("/flaky/2");
        Started run = start(client, options, yaml, "{}");
        RunResult result = run.result();

        assertThat(result.output().path("call").asInt() - before).isEqualTo(3);
        assertThat(PROJECTION.step(run.runId(), "call", 1).attempts()).isEqualTo(3);
        recordHistory(client, run, "retried-action");
    }

    @Test
    void retriesStopAtMaxAttemptsAndTheRunFails(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("gives-up", "", """
                  - id: call
                    uses: http.request
                    with: { method: GET, url: "%s" }
                    retry: { maxAttempts: 2, initialInterval: 1s }
                """.formatted(HTTP.url("/status/500")), "");

        Started run = start(client, options, yaml, "{}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        InMemoryProjection.StepRecord call = PROJECTION.step(run.runId(), "call", 1);
        assertThat(call.error().type()).isEqualTo(HttpRequestAction.SERVER_ERROR);
        assertThat(call.attempts()).isEqualTo(2);
        assertThat(PROJECTION.run(run.runId()).error().step()).isEqualTo("call");
    }

    @Test
    void signalThatArrivesBeforeTheWaitIsBufferedAndConsumed(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("early-signal", "", """
                  - id: pause
                    uses: time.wait
                    with: { duration: 1h }
                  - id: approval
                    uses: event.wait
                    with: { event: approval, correlationKey: "t-1" }
                """, "outputs:\n  by: ${{ steps.approval.output.user }}\n");

        Started run = start(client, options, yaml, "{}");
        run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", "t-1", JSON.createObjectNode().put("user", "ann")));
        RunResult result = run.result();

        assertThat(result.output().path("by").asText()).isEqualTo("ann");
        assertThat(PROJECTION.events(run.runId())).contains("wait-opened pause TIMER", "wait-closed pause ELAPSED")
                .doesNotContain("wait-opened approval EVENT");
        recordHistory(client, run, "timer-then-buffered-signal");
    }

    @Test
    void waitIgnoresOtherKeysAndTakesTheMatchingSignal(WorkflowClient client, WorkflowOptions options,
                                                       TestWorkflowEnvironment env) throws Exception {
        String yaml = workflow("keyed-wait", "inputs:\n  ticket: { type: string }\n", """
                  - id: approval
                    uses: event.wait
                    with: { event: approval, correlationKey: "${{ inputs.ticket }}" }
                """, "outputs:\n  by: ${{ steps.approval.output.user }}\n");

        Started run = start(client, options, yaml, "{\"ticket\": \"t-7\"}");
        waitUntilOpen(run, env);
        AuthoredWorkflow typed = client.newWorkflowStub(AuthoredWorkflow.class, run.stub().getExecution().getWorkflowId());
        assertThat(typed.state().waits()).singleElement()
                .satisfies(w -> assertThat(w.correlationKey()).isEqualTo("t-7"));
        run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", "t-8", JSON.createObjectNode().put("user", "wrong")));
        run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("other", "t-7", JSON.createObjectNode().put("user", "wrong")));
        env.sleep(Duration.ofMinutes(1));
        assertThat(typed.state().waits()).hasSize(1);
        assertThat(typed.state().bufferedEvents()).isEqualTo(2);
        run.stub().signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", "t-7", JSON.createObjectNode().put("user", "ann")));

        assertThat(run.result().output().path("by").asText()).isEqualTo("ann");
        assertThat(PROJECTION.events(run.runId())).contains("wait-opened approval EVENT", "wait-closed approval SIGNALED");
        recordHistory(client, run, "keyed-event-wait");
    }

    @Test
    void eventWaitTimeoutFailsOrContinues(WorkflowClient client, WorkflowOptions options) throws IOException {
        String failing = workflow("timeout-fails", "", """
                  - id: approval
                    uses: event.wait
                    with: { event: approval, timeout: 2h, onTimeout: fail }
                """, "");
        String continuing = workflow("timeout-continues", "", """
                  - id: approval
                    uses: event.wait
                    with: { event: approval, timeout: 2h, onTimeout: continue }
                  - id: after
                    uses: transform
                    with: { value: "${{ steps.approval.output == null }}" }
                """, "outputs:\n  none: ${{ steps.after.output }}\n");

        Started fails = start(client, options, failing, "{}");
        Started goesOn = start(client, options, continuing, "{}");

        assertThatThrownBy(fails::result).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.run(fails.runId()).error().type()).isEqualTo("EventWaitTimeout");
        assertThat(PROJECTION.events(fails.runId())).contains("wait-closed approval TIMED_OUT");
        assertThat(goesOn.result().output().path("none").asBoolean()).isTrue();
    }

    @Test
    void forEachNeverExceedsItsConcurrencyAndKeepsItemOrder(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("fan-out", "", """
                  - id: items
                    uses: transform
                    with: { value: [a, b, c, d, e, f] }
                  - id: each
                    forEach:
                      items: ${{ steps.items.output }}
                      concurrency: 2
                      steps:
                        - id: call
                          uses: http.request
                          with: { method: GET, url: "%s/${{ item }}" }
                        - id: label
                          uses: transform
                          with: { value: "${{ index }}:${{ steps.call.output.body.path }}" }
                """.formatted(HTTP.url("/slow")), "outputs:\n  labels: ${{ steps.each.output }}\n");

        Started run = start(client, options, yaml, "{}");
        RunResult result = run.result();

        assertThat(result.output().path("labels").toString())
                .isEqualTo("[\"0:/slow/a\",\"1:/slow/b\",\"2:/slow/c\",\"3:/slow/d\",\"4:/slow/e\",\"5:/slow/f\"]");
        assertThat(HTTP.maxInFlight()).isBetween(1, 2);
        assertThat(PROJECTION.step(run.runId(), "each[4].call", 1).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(PROJECTION.step(run.runId(), "each", 1).output()).hasSize(6);
        recordHistory(client, run, "foreach-concurrency");
    }

    @Test
    void cancelEndsTheRunAsCanceled(WorkflowClient client, WorkflowOptions options, TestWorkflowEnvironment env) throws Exception {
        String yaml = workflow("canceled", "", """
                  - id: approval
                    uses: event.wait
                    with: { event: approval }
                """, "");

        Started run = start(client, options, yaml, "{}");
        waitUntilOpen(run, env);
        run.stub().cancel();

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.run(run.runId()).status()).isEqualTo(RunStatus.CANCELED);
        assertThat(PROJECTION.step(run.runId(), "approval", 1).status()).isEqualTo(StepStatus.CANCELED);
    }

    @Test
    void runTimeoutFailsTheRun(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = "apiVersion: stepwise/v1\nkind: Workflow\nname: slow-run\ntimeout: 1h\nsteps:\n"
                + "  - id: long\n    uses: time.wait\n    with: { duration: 2h }\n";

        Started run = start(client, options, yaml, "{}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.run(run.runId()).error().type()).isEqualTo("RunTimeout");
        assertThat(PROJECTION.step(run.runId(), "long", 1).status()).isEqualTo(StepStatus.CANCELED);
    }

    @Test
    void resumeSkipsRecordedStepsAndRunsFailedOnesAgain(WorkflowClient client, WorkflowOptions options) throws IOException {
        String marker = UUID.randomUUID().toString();
        String yaml = workflow("resumed", "", """
                  - id: once
                    uses: http.request
                    with: { method: GET, url: "%s" }
                  - id: again
                    uses: http.request
                    with: { method: GET, url: "%s" }
                """.formatted(HTTP.url("/json?" + marker), HTTP.url("/echo")),
                "outputs:\n  owner: ${{ steps.once.output.body.owner }}\n  method: ${{ steps.again.output.body.method }}\n");
        int jsonHits = HTTP.hits("/json");
        String runId = UUID.randomUUID().toString();
        Map<String, RecordedStep> recorded = Map.of("once",
                new RecordedStep(StepStatus.SUCCEEDED, JSON.readTree("{\"status\": 200, \"body\": {\"owner\": \"recorded\"}}")));

        Started resumed = start(client, options, yaml, "{}", recorded, 2, runId);
        RunResult result = resumed.result();

        assertThat(result.output()).isEqualTo(JSON.readTree("{\"owner\": \"recorded\", \"method\": \"GET\"}"));
        assertThat(HTTP.hits("/json")).isEqualTo(jsonHits);
        assertThat(PROJECTION.events(runId)).containsExactly("run-started 2", "step-started again",
                "step-succeeded again", "run-finished SUCCEEDED");
        assertThat(PROJECTION.step(runId, "again", 2).attempt()).isEqualTo(2);
        recordHistory(client, resumed, "resume-with-recorded-steps");
    }

    @Test
    void expressionErrorsFailTheStepWithTheExpression(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("bad-expr", "", """
                  - id: a
                    uses: transform
                    with: { value: "${{ inputs.nothing.deeper }}" }
                """, "");

        Started run = start(client, options, yaml, "{}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        RunError error = PROJECTION.run(run.runId()).error();
        assertThat(error.step()).isEqualTo("a");
        assertThat(error.type()).isEqualTo("ExpressionError");
        assertThat(error.message()).contains("inputs.nothing.deeper");
    }

    @Test
    void httpRequestSendsJsonBodyAndQueryAndPluginActionsRunAsActivities(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("post-and-plugin", "", """
                  - id: post
                    uses: http.request
                    with:
                      method: POST
                      url: "%s"
                      query: { page: "2", q: "a b" }
                      body: { id: 7, tags: [x] }
                  - id: echo
                    uses: sample.echo
                    with: { value: "${{ steps.post.output.body.body.id }}" }
                """.formatted(HTTP.url("/echo")), "outputs:\n  sent: ${{ steps.post.output.body }}\n  echoed: ${{ steps.echo.output.value }}\n");

        Started run = start(client, options, yaml, "{}");
        RunResult result = run.result();

        assertThat(result.output().path("sent")).isEqualTo(JSON.readTree(
                "{\"method\": \"POST\", \"query\": \"page=2&q=a b\", \"body\": {\"id\": 7, \"tags\": [\"x\"]}}"));
        assertThat(result.output().path("echoed").asInt()).isEqualTo(7);
        assertThat(PROJECTION.step(run.runId(), "echo", 1).uses()).isEqualTo("sample.echo");
    }

    @Test
    void timeWaitUntilAnInstantIsADurableTimer(WorkflowClient client, WorkflowOptions options,
                                               TestWorkflowEnvironment env) throws IOException {
        String until = java.time.Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofDays(2)).toString();
        String yaml = workflow("until", "", """
                  - id: later
                    uses: time.wait
                    with: { until: "%s" }
                """.formatted(until), "");

        Started run = start(client, options, yaml, "{}");
        long before = env.currentTimeMillis();
        RunResult result = run.result();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(env.currentTimeMillis() - before).isGreaterThanOrEqualTo(Duration.ofDays(2).minusMinutes(1).toMillis());
        assertThat(PROJECTION.events(run.runId())).contains("wait-opened later TIMER", "wait-closed later ELAPSED");
    }

    @Test
    void projectionChangesArriveInOrderAndInFewerCallsThanChanges(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("batched", "", """
                  - id: a
                    uses: noop
                  - id: b
                    uses: transform
                    with: { value: 1 }
                  - id: c
                    uses: noop
                """, "");
        int callsBefore = PROJECTION.batchSizes().size();

        Started run = start(client, options, yaml, "{}");
        run.result();

        List<Integer> batches = PROJECTION.batchSizes().subList(callsBefore, PROJECTION.batchSizes().size());
        assertThat(PROJECTION.events(run.runId())).containsExactly("run-started 1", "step-started a",
                "step-succeeded a", "step-started b", "step-succeeded b", "step-started c", "step-succeeded c",
                "run-finished SUCCEEDED");
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(8);
        assertThat(batches.size()).isLessThan(8);
    }

    @Test
    void resumedTimerWaitsOnlyForTheTimeItHadLeft(WorkflowClient client, WorkflowOptions options,
                                                 TestWorkflowEnvironment env) throws IOException {
        String yaml = workflow("resumed-timer", "", """
                  - id: pause
                    uses: time.wait
                    with: { duration: 2h }
                """, "");
        String due = java.time.Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(30)).toString();
        String versionId = DEFINITIONS.add(yaml);
        String runId = UUID.randomUUID().toString();
        AuthoredWorkflow wf = client.newWorkflowStub(AuthoredWorkflow.class, WorkflowOptions.newBuilder(options)
                .setWorkflowId(RuntimeContract.workflowId(runId)).build());
        long before = env.currentTimeMillis();

        RunResult result = wf.run(new RunInput(runId, "test.wf", versionId, JSON.createObjectNode(), 2, Map.of(),
                Map.of("pause", due)));

        long waited = env.currentTimeMillis() - before;
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        // 30 minutes left, not the step's 2 hours; the upper bound leaves room for the time-skipping
        // test server jumping over a projection write's timeout (90 s) when the machine is slow
        assertThat(waited).isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(60).toMillis());
    }

    @Test
    void secretValuesNeverLeaveTheWorkflowInErrorMessages(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("secret-error", "inputs:\n  token: { type: string, secret: true }\n", """
                  - id: boom
                    uses: fail
                    with: { message: "bad token ${{ inputs.token }}" }
                """, "");

        Started run = start(client, options, yaml, "{\"token\": \"abcd-1234\"}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.run(run.runId()).error().message()).isEqualTo("bad token [REDACTED]");
        assertThat(PROJECTION.step(run.runId(), "boom", 1).error().message()).doesNotContain("abcd-1234");
    }

    @Test
    void failingProjectionWritesAreRetriedAndNeverFailTheRun(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("db-away", "", """
                  - id: note
                    uses: log
                    with: { message: "still here" }
                  - id: shape
                    uses: transform
                    with: { value: 7 }
                """, "outputs:\n  v: ${{ steps.shape.output }}\n");
        String runId = UUID.randomUUID().toString();
        // the fast path's one attempt, then three attempts of the first ordinary activity and three
        // of the second: the writer backs off twice
        PROJECTION.failNext(runId, 7);

        Started run = start(client, options, yaml, "{}", Map.of(), 1, runId);
        RunResult result = run.result();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output().path("v").asInt()).isEqualTo(7);
        assertThat(PROJECTION.failedCalls(runId)).isEqualTo(7);
        assertThat(PROJECTION.events(runId)).containsExactly("run-started 1",
                "step-started note", "step-succeeded note", "step-started shape", "step-succeeded shape",
                "run-finished SUCCEEDED");
        recordHistory(client, run, "projection-retried-as-activity");
    }

    @Test
    void aHealthyRunOfWorkflowCodeStepsTakesNoActivityTask(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("fast-path", "", """
                  - id: a
                    uses: noop
                  - id: b
                    uses: transform
                    with: { value: 2 }
                  - id: c
                    uses: log
                    with: { message: "b is ${{ steps.b.output }}" }
                """, "");

        Started run = start(client, options, yaml, "{}");
        run.result();

        List<HistoryEvent> history = history(client, run);
        assertThat(PROJECTION.events(run.runId())).containsExactly("run-started 1", "step-started a",
                "step-succeeded a", "step-started b", "step-succeeded b", "step-started c", "step-succeeded c",
                "run-finished SUCCEEDED");
        assertThat(history).as("activities: neither projection writes nor the log step need one")
                .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
        // the steps run in workflow code: the run takes one workflow task (two at most if the
        // server hands the first task out before the run's start is complete)
        assertThat(history.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
                .count()).isBetween(1L, 2L);
    }

    @Test
    void theRunsStartIsWrittenTogetherWithItsFirstSteps(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("start-with-first-steps", "", """
                  - id: fetch
                    uses: http.request
                    with: { method: GET, url: "%s" }
                  - id: owner
                    uses: transform
                    with: { value: "${{ steps.fetch.output.body.owner }}" }
                """.formatted(HTTP.url("/json")), "outputs:\n  owner: ${{ steps.owner.output }}\n");

        Started run = start(client, options, yaml, "{}");
        RunResult result = run.result();

        assertThat(result.output().path("owner").asText()).isEqualTo("ann");
        assertThat(PROJECTION.events(run.runId())).containsExactly("run-started 1", "step-started fetch",
                "step-succeeded fetch", "step-started owner", "step-succeeded owner", "run-finished SUCCEEDED");
        // the start waits for the definition, then goes with the first step's start while the
        // request is out; the rest goes in one write at the end: two writes, not three
        assertThat(PROJECTION.batchSizes(run.runId())).containsExactly(2, 4);
        List<HistoryEvent> markers = history(client, run).stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
                .filter(e -> e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")).toList();
        assertThat(markers).as("local activities: the definition's load and two projection writes").hasSize(3);
        // a write's changes (the request's response among them) are not copied into its marker
        assertThat(markers.stream().filter(e -> !e.getMarkerRecordedEventAttributes().getDetailsMap().containsKey("input")))
                .as("markers without the call's arguments").hasSize(2);
        recordHistory(client, run, "start-with-first-steps");
    }

    @Test
    void aSlowWriteMovesTheRunToOrdinaryActivitiesAndLosesNothing(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        // the request holds the run between its first write (the slow one) and the rest
        String yaml = workflow("slow-write", "", """
                  - id: a
                    uses: noop
                  - id: fetch
                    uses: http.request
                    with: { method: GET, url: "%s" }
                  - id: b
                    uses: transform
                    with: { value: 3 }
                """.formatted(HTTP.url("/json")), "outputs:\n  v: ${{ steps.b.output }}\n");
        String runId = UUID.randomUUID().toString();
        PROJECTION.slowNext(runId, ProjectionWriter.SLOW_WRITE.toMillis() + 300);

        Started run = start(client, options, yaml, "{}", Map.of(), 1, runId);
        RunResult result = run.result();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output().path("v").asInt()).isEqualTo(3);
        assertThat(PROJECTION.events(runId)).containsExactly("run-started 1", "step-started a",
                "step-succeeded a", "step-started fetch", "step-succeeded fetch", "step-started b",
                "step-succeeded b", "run-finished SUCCEEDED");
        assertThat(projectionActivities(history(client, run))).as("writes after the slow one").isPositive();
        recordHistory(client, run, "projection-fast-path-then-activity");
    }

    private static List<HistoryEvent> history(WorkflowClient client, Started run) {
        return client.fetchHistory(run.stub().getExecution().getWorkflowId()).getEvents();
    }

    private static long projectionActivities(List<HistoryEvent> history) {
        return history.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                        .startsWith("StepwiseProject"))
                .count();
    }

    @Test
    void aCanceledRunStillWritesItsFinalStatusWhenTheProjectionFailsForAWhile(WorkflowClient client,
            WorkflowOptions options, TestWorkflowEnvironment env) throws Exception {
        String yaml = workflow("canceled-db-away", "", """
                  - id: approval
                    uses: event.wait
                    with: { event: approval }
                """, "");
        Started run = start(client, options, yaml, "{}");
        waitUntilOpen(run, env);
        PROJECTION.failNext(run.runId(), 4);

        run.stub().cancel();

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        assertThat(PROJECTION.failedCalls(run.runId())).isEqualTo(4);
        assertThat(PROJECTION.run(run.runId()).status()).isEqualTo(RunStatus.CANCELED);
        assertThat(PROJECTION.step(run.runId(), "approval", 1).status()).isEqualTo(StepStatus.CANCELED);
    }

    @Test
    void aDurationAnExpressionGetsWrongFailsThatStepAndTheStepsRulesApply(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = workflow("bad-durations", "inputs:\n  t: { type: string }\n  z: { type: string }\n", """
                  - id: pause
                    uses: time.wait
                    continueOnError: true
                    with: { duration: "${{ inputs.z }}" }
                  - id: call
                    uses: http.request
                    with: { method: GET, url: "%s", timeout: "${{ inputs.t }}" }
                """.formatted(HTTP.url("/json")), "");

        Started run = start(client, options, yaml, "{\"t\": \"soon\", \"z\": \"0s\"}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        InMemoryProjection.StepRecord pause = PROJECTION.step(run.runId(), "pause", 1);
        assertThat(pause.status()).as("continueOnError: the run goes on").isEqualTo(StepStatus.FAILED);
        assertThat(pause.error().type()).isEqualTo("InvalidArgument");
        assertThat(pause.error().message()).isEqualTo("with.duration: '0s' must be longer than zero");
        InMemoryProjection.StepRecord call = PROJECTION.step(run.runId(), "call", 1);
        assertThat(call.status()).isEqualTo(StepStatus.FAILED);
        assertThat(call.error().type()).isEqualTo("InvalidArgument");
        assertThat(call.error().message()).startsWith("with.timeout: 'soon' is not a duration");
        assertThat(PROJECTION.run(run.runId()).status()).isEqualTo(RunStatus.FAILED);
        assertThat(PROJECTION.run(run.runId()).error().step()).isEqualTo("call");
    }

    @Test
    void aTimedOutStepReportsEveryAttemptItMade(WorkflowClient client, WorkflowOptions options) throws IOException {
        String yaml = workflow("times-out", "", """
                  - id: call
                    uses: http.request
                    timeout: 1s
                    retry: { maxAttempts: 3, initialInterval: 1s }
                    with: { method: GET, url: "%s" }
                """.formatted(HTTP.url("/hang")), "");

        Started run = start(client, options, yaml, "{}");

        assertThatThrownBy(run::result).isInstanceOf(WorkflowFailedException.class);
        InMemoryProjection.StepRecord call = PROJECTION.step(run.runId(), "call", 1);
        assertThat(call.error().type()).isEqualTo("ActionTimeout");
        assertThat(call.attempts()).isEqualTo(3);
    }

    /**
     * With {@code -Dstepwise.recordHistories=true}, writes the run's history to
     * {@code src/test/resources/histories/<name>.json} for {@link InterpreterReplayTest}. Record
     * again only on purpose: a new history means the interpreter's command sequence changed.
     */
    private static void recordHistory(WorkflowClient client, Started run, String name) throws IOException {
        if (!Boolean.getBoolean("stepwise.recordHistories")) {
            return;
        }
        String json = client.fetchHistory(run.stub().getExecution().getWorkflowId()).toJson(true);
        java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/histories");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve(name + ".json"), json);
    }

    private static void waitUntilOpen(Started run, TestWorkflowEnvironment env) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (PROJECTION.events(run.runId()).stream().anyMatch(e -> e.startsWith("wait-opened"))) {
                return;
            }
            CompletableFuture.runAsync(() -> { }).get();
            Thread.sleep(50);
        }
        throw new AssertionError("the run never opened a wait: " + PROJECTION.events(run.runId()) + " " + List.of(env));
    }
}
