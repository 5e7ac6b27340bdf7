package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.ManagementPort;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestHttpTarget;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/** Whole runs through HTTP: the API launches, a worker on the test server executes, the API shows it from Postgres. */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class RunApiTest {
    @Inject
    DataSource db;

    @BeforeEach
    void workerAndPack() {
        TestWorker.ensureStarted(db);
        TestPacks.write("runs", "approve.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: approve
                inputs:
                  ticket: { type: string, required: true }
                  priority: { type: integer, default: 3, maximum: 5 }
                  token: { type: string, secret: true }
                steps:
                  - id: shape
                    uses: transform
                    with: { value: { ticket: "${{ inputs.ticket }}", urgent: "${{ inputs.priority >= 4 }}" } }
                  - id: approval
                    uses: event.wait
                    with: { event: approval, correlationKey: "${{ inputs.ticket }}" }
                outputs:
                  by: ${{ steps.approval.output.user }}
                  urgent: ${{ steps.shape.output.urgent }}
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    private static String launch(String body) {
        return operator().body(body).post("/api/v1/workflows/runs.approve/runs").then().statusCode(201)
                .header("Location", notNullValue()).extract().path("id");
    }

    /** A secret input's raw value as replay and resume read it: sealed in runs.secret_inputs (docs/security.md). */
    private String rawInput(String runId, String name) {
        try (var c = db.getConnection(); var s = c.prepareStatement("SELECT inputs->>?, secret_inputs FROM runs WHERE id = ?")) {
            s.setString(1, name);
            s.setObject(2, java.util.UUID.fromString(runId));
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                assertThat(rs.getString(1)).as("runs.inputs holds the secret redacted").isEqualTo("[REDACTED]");
                String opened = io.stepwise.bootstrap.testing.TestKeys.keyring().openText(rs.getString(2));
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(opened).path(name).asText();
            }
        } catch (java.sql.SQLException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void launchedRunWaitsShowsItsWaitAndASignalCompletesIt() throws InterruptedException {
        String run = launch("{\"inputs\": {\"ticket\": \"T-1\", \"priority\": 4, \"token\": \"s3cret-value\"}}");

        assertThat(waitFor(run, "WAITING")).as("the run reaches WAITING").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then().statusCode(200)
                .body("workflow.ref", equalTo("runs.approve"))
                .body("workflow.versionSeq", equalTo(1))
                .body("inputs.priority", equalTo(4))
                .body("inputs.token", equalTo("[REDACTED]"))
                .body("steps.find { it.path == 'shape' }.status", equalTo("SUCCEEDED"))
                .body("steps.find { it.path == 'approval' }.status", equalTo("WAITING"))
                .body("waits[0].event", equalTo("approval"))
                .body("waits[0].correlationKey", equalTo("T-1"))
                .body("waits[0].status", equalTo("WAITING"));

        operator().body("{\"event\": \"approval\", \"correlationKey\": \"T-2\", \"payload\": {\"user\": \"eve\"}}")
                .post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
        operator().body("{\"event\": \"approval\", \"correlationKey\": \"T-1\", \"payload\": {\"user\": \"ann\"}}")
                .post("/api/v1/runs/" + run + "/signals").then().statusCode(202);

        assertThat(waitFor(run, "SUCCEEDED")).as("the matching signal completes the run").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("output.by", equalTo("ann")).body("output.urgent", equalTo(true))
                .body("waits[0].status", equalTo("SIGNALED")).body("finishedAt", notNullValue());
        operator().body("{\"event\": \"approval\"}").post("/api/v1/runs/" + run + "/signals").then().statusCode(409);
    }

    @Test
    void cancelWhileWaitingEndsTheRunCanceled() throws InterruptedException {
        String run = launch("{\"inputs\": {\"ticket\": \"T-9\"}}");
        assertThat(waitFor(run, "WAITING")).isTrue();

        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);

        assertThat(waitFor(run, "CANCELED")).as("the run ends CANCELED").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("steps.find { it.path == 'approval' }.status", equalTo("CANCELED"))
                .body("error.type", equalTo("Canceled"));
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(409);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run + "/events").then()
                .statusCode(200).body("items.kind", equalTo(List.of("LAUNCHED", "CANCELED")))
                .body("items[1].actor", equalTo("tester-stepwise.operator"));
    }

    @Test
    void launchChecksInputsAndAnswers404ForAnUnknownWorkflow() {
        operator().body("{\"inputs\": {\"priority\": 9, \"extra\": 1}}").post("/api/v1/workflows/runs.approve/runs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("ticket", "priority", "extra"));
        operator().body("{}").post("/api/v1/workflows/runs.nothing/runs").then().statusCode(404);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/workflows/runs.approve/runs").then().statusCode(403);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + java.util.UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aRequestFieldTheApiDoesNotKnowIsA400NamingItAndLaunchesNothing() {
        int before = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs?workflow=runs.approve&limit=200")
                .then().statusCode(200).extract().jsonPath().getList("items").size();
        operator().body("{\"inputs\": {\"ticket\": \"ST-9\"}, \"executionkey\": \"k-1\"}")
                .post("/api/v1/workflows/runs.approve/runs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("'executionkey'"))
                .body("errors[0].field", equalTo("executionkey"))
                .body("errors[0].message", org.hamcrest.Matchers.containsString("executionKey"));
        operator().body("{\"event\": \"approved\", \"payloads\": {}}").post("/api/v1/runs/" + java.util.UUID.randomUUID() + "/signals")
                .then().statusCode(400).body("errors[0].field", equalTo("payloads"));
        int after = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs?workflow=runs.approve&limit=200")
                .then().statusCode(200).extract().jsonPath().getList("items").size();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void twentyConcurrentLaunchesWithOneKeyMakeOneRun() {
        String key = "key-" + java.util.UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<String[]>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    var response = operator().header("Idempotency-Key", key).body("{\"inputs\": {\"ticket\": \"T-20\"}}")
                            .post("/api/v1/workflows/runs.approve/runs");
                    return new String[]{String.valueOf(response.statusCode()), response.path("id")};
                }, pool));
            }
            Set<String> ids = new HashSet<>();
            List<String> statuses = new java.util.ArrayList<>();
            for (CompletableFuture<String[]> call : calls) {
                String[] answer = call.join();
                statuses.add(answer[0]);
                ids.add(answer[1]);
            }
            assertThat(ids).as("one run for one key").hasSize(1);
            assertThat(statuses).containsOnly("201", "200").filteredOn("201"::equals).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("workflow", "runs.approve").get("/api/v1/runs")
                .then().statusCode(200).body("items.executionKey", hasItem(key));
    }

    @Test
    void anEventReachesEveryRunWaitingOnItsNameAndKey() throws InterruptedException {
        String one = launch("{\"inputs\": {\"ticket\": \"FAN\"}}");
        String two = launch("{\"inputs\": {\"ticket\": \"FAN\"}}");
        String other = launch("{\"inputs\": {\"ticket\": \"OTHER\"}}");
        assertThat(waitFor(one, "WAITING") && waitFor(two, "WAITING") && waitFor(other, "WAITING")).isTrue();

        List<String> signaled = operator().body("{\"name\": \"approval\", \"correlationKey\": \"FAN\", "
                        + "\"payload\": {\"user\": \"bo\"}}")
                .post("/api/v1/events").then().statusCode(202).extract().path("signaled");

        assertThat(signaled).containsExactlyInAnyOrder(one, two);
        assertThat(waitFor(one, "SUCCEEDED") && waitFor(two, "SUCCEEDED")).isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + other).then()
                .body("status", equalTo("WAITING"));
        operator().post("/api/v1/runs/" + other + "/cancel").then().statusCode(202);
    }

    @Test
    void readinessCoversDatabaseAndTemporalAndReportsLiveWorkers() {
        ManagementPort.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItems("database", "temporal", "workflow-workers"))
                .body("checks.find { it.name == 'temporal' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'workflow-workers' }.data.queue", equalTo("stepwise-authored"));
    }

    @Test
    void concurrencyLimitAdmitsExactlyTheLimitUnderConcurrentLaunches() {
        TestPacks.write("runs", "limited.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: limited
                concurrency: { limit: 3 }
                steps:
                  - id: hold
                    uses: event.wait
                    with: { event: release }
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Integer> statuses;
        try {
            List<CompletableFuture<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> operator().body("{}")
                        .post("/api/v1/workflows/runs.limited/runs").statusCode(), pool));
            }
            statuses = calls.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdownNow();
        }

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(17);
        operator().body("{}").post("/api/v1/workflows/runs.limited/runs").then().statusCode(429)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("allows 3 runs"));
        List<String> ids = given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("workflow", "runs.limited")
                .get("/api/v1/runs").then().extract().path("items.id");
        ids.forEach(id -> operator().post("/api/v1/runs/" + id + "/cancel").then().statusCode(202));
    }

    @Test
    void replayStartsANewRunWithTheStoredRawInputsSecretsIncluded() throws InterruptedException {
        String original = launch("{\"inputs\": {\"ticket\": \"R-1\", \"token\": \"raw-secret\"}}");
        operator().post("/api/v1/runs/" + original + "/cancel").then().statusCode(202);
        assertThat(waitFor(original, "CANCELED")).isTrue();

        String replay = operator().body("{}").post("/api/v1/runs/" + original + "/replay").then().statusCode(201)
                .body("replayOf", equalTo(original)).body("inputs.ticket", equalTo("R-1"))
                .body("inputs.token", equalTo("[REDACTED]")).extract().path("id");

        assertThat(waitFor(replay, "WAITING")).isTrue();
        assertThat(rawInput(replay, "token")).as("the stored raw secret, not the redacted copy").isEqualTo("raw-secret");
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + original + "/events").then()
                .body("items.kind", org.hamcrest.Matchers.hasItem("REPLAYED"));
        String withOther = operator().body("{\"inputs\": {\"ticket\": \"R-2\"}, \"version\": \"original\"}")
                .post("/api/v1/runs/" + original + "/replay").then().statusCode(201).extract().path("id");
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + withOther).then()
                .body("inputs.ticket", equalTo("R-2"));
        operator().body("{\"version\": \"newest\"}").post("/api/v1/runs/" + original + "/replay").then().statusCode(400);
        operator().body("{}").post("/api/v1/runs/" + java.util.UUID.randomUUID() + "/replay").then().statusCode(404);
        operator().post("/api/v1/runs/" + replay + "/cancel").then().statusCode(202);
        operator().post("/api/v1/runs/" + withOther + "/cancel").then().statusCode(202);
    }

    @Test
    void resumeContinuesAFailedRunInPlaceWithoutRepeatingItsSucceededSteps() throws Exception {
        TestHttpTarget target = TestHttpTarget.answering("/once", "{\"value\": \"once\"}");
        try {
            TestPacks.write("runs", "flaky.yaml", """
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: flaky
                    inputs:
                      url: { type: string }
                    steps:
                      - id: first
                        uses: http.request
                        with: { method: GET, url: "${{ inputs.url }}" }
                      - id: gate
                        uses: event.wait
                        with: { event: go, timeout: 1s, onTimeout: fail }
                    outputs:
                      first: ${{ steps.first.output.body.value }}
                      gate: ${{ steps.gate.output.ok }}
                    """);
            given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
            String url = target.url();
            String run = operator().body("{\"inputs\": {\"url\": \"" + url + "\"}}")
                    .post("/api/v1/workflows/runs.flaky/runs").then().statusCode(201).extract().path("id");
            assertThat(waitFor(run, "FAILED")).as("the gate times out").isTrue();
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                    .body("error.step", equalTo("gate")).body("error.type", equalTo("EventWaitTimeout"))
                    .body("resumable", equalTo(true));
            assertThat(target.calls()).isEqualTo(1);

            operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(200).body("attempt", equalTo(2));
            assertThat(waitFor(run, "WAITING")).isTrue();
            operator().body("{\"event\": \"go\", \"payload\": {\"ok\": true}}").post("/api/v1/runs/" + run + "/signals")
                    .then().statusCode(202);

            assertThat(waitFor(run, "SUCCEEDED")).isTrue();
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                    .body("attempt", equalTo(2)).body("output.first", equalTo("once")).body("output.gate", equalTo(true))
                    .body("resumable", equalTo(false));
            assertThat(target.calls()).as("the HTTP step that succeeded was not called again").isEqualTo(1);
            assertThat(stepAttempts(run, "first")).as("the succeeded step ran in attempt 1 only").containsExactly(1);
            assertThat(stepAttempts(run, "gate")).containsExactly(1, 2);
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run + "/events").then()
                    .body("items.kind", equalTo(List.of("LAUNCHED", "RESUMED", "SIGNALED")));
            operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(409);
        } finally {
            target.close();
        }
    }

    @Test
    void resumeOfARunWhoseExecutionIsAliveIsRefused() throws InterruptedException {
        String run = launch("{\"inputs\": {\"ticket\": \"ALIVE\"}}");
        assertThat(waitFor(run, "WAITING")).isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("resumable", equalTo(false));

        operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("alive"));
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    }

    private List<Integer> stepAttempts(String runId, String path) {
        try (var c = db.getConnection();
             var s = c.prepareStatement("SELECT attempt FROM steps WHERE run_id = ? AND path = ? ORDER BY attempt")) {
            s.setObject(1, java.util.UUID.fromString(runId));
            s.setString(2, path);
            List<Integer> attempts = new java.util.ArrayList<>();
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    attempts.add(rs.getInt(1));
                }
            }
            return attempts;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void secretValuesAreRedactedInStepOutputsAndTheRunOutput() throws InterruptedException {
        TestPacks.write("runs", "leaky.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: leaky
                inputs:
                  apiToken: { type: string, secret: true }
                steps:
                  - id: header
                    uses: transform
                    with: { value: { auth: "Bearer ${{ inputs.apiToken }}", plain: "${{ inputs.apiToken }}" } }
                outputs:
                  echoed: ${{ steps.header.output.plain }}
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
        String run = operator().body("{\"inputs\": {\"apiToken\": \"tok-123456\"}}")
                .post("/api/v1/workflows/runs.leaky/runs").then().statusCode(201).extract().path("id");

        assertThat(waitFor(run, "SUCCEEDED")).isTrue();
        String body = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("inputs.apiToken", equalTo("[REDACTED]"))
                .body("steps[0].output.auth", equalTo("Bearer [REDACTED]"))
                .body("steps[0].output.plain", equalTo("[REDACTED]"))
                .body("output.echoed", equalTo("[REDACTED]"))
                .extract().asString();
        assertThat(body).doesNotContain("tok-123456");
    }

    /** A run row as a launch leaves it when the server stops between the commit and the start. */
    private String insertRun(String status, boolean startedInTemporal) {
        String id = java.util.UUID.randomUUID().toString();
        try (var c = db.getConnection(); var s = c.prepareStatement(
                "INSERT INTO runs (id, definition_id, version_id, workflow_ref, status, inputs, inputs_redacted, "
                        + "started_in_temporal, created_at, updated_at) SELECT ?, d.id, d.current_version_id, d.ref, ?, "
                        + "'{\"ticket\": \"REC\", \"priority\": 3}', '{\"ticket\": \"REC\", \"priority\": 3}', ?, "
                        + "now() - interval '1 minute', now() - interval '1 minute' FROM definitions d WHERE d.ref = 'runs.approve'")) {
            s.setObject(1, java.util.UUID.fromString(id));
            s.setString(2, status);
            s.setBoolean(3, startedInTemporal);
            assertThat(s.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    @Test
    void theReconcilerStartsARunWhoseStartNeverHappened() throws InterruptedException {
        String run = insertRun("PENDING", false);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("stuck.reason", org.hamcrest.Matchers.startsWith("not started in Temporal"));

        assertThat(waitFor(run, "WAITING")).as("the reconciler started it and the worker ran it").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("stuck", org.hamcrest.Matchers.nullValue()).body("resumable", equalTo(false));
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    }

    @Test
    void aRunWhoseExecutionIsGoneIsStuckAndResumeContinuesIt() throws InterruptedException {
        String run = insertRun("RUNNING", true);

        // the reconciler's look (every 3 s) finds the execution gone; the document reads what it saw
        String reason = null;
        for (int i = 0; i < 100 && reason == null; i++) {
            reason = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                    .extract().path("stuck.reason");
            Thread.sleep(100);
        }
        assertThat(reason).isEqualTo("execution lost: resume to continue");
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("stuck.since", notNullValue()).body("resumable", equalTo(true));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("stuck", true).get("/api/v1/runs").then()
                .statusCode(200).body("items.id", hasItem(run));

        operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(200).body("attempt", equalTo(2));
        assertThat(waitFor(run, "WAITING")).isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("stuck", org.hamcrest.Matchers.nullValue());
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    }

    @Test
    void anEventLaunchesTriggeredWorkflowsOnceForOneEventId() throws InterruptedException {
        TestPacks.write("runs", "on-ticket.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: on-ticket
                inputs:
                  ticket: { type: string, required: true }
                triggers:
                  - event: ticket.created
                    inputs:
                      ticket: ${{ event.payload.id }}
                steps:
                  - id: echo
                    uses: transform
                    with: { value: "${{ inputs.ticket }}" }
                outputs:
                  ticket: ${{ steps.echo.output }}
                """);
        TestPacks.write("runs", "on-ticket-too.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: on-ticket-too
                inputs:
                  label: { type: string }
                triggers:
                  - event: ticket.created
                    inputs:
                      label: "new ${{ event.payload.id }}"
                steps:
                  - id: echo
                    uses: transform
                    with: { value: "${{ inputs.label }}" }
                outputs:
                  label: ${{ steps.echo.output }}
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
        String body = "{\"name\": \"ticket.created\", \"id\": \"evt-" + java.util.UUID.randomUUID()
                + "\", \"payload\": {\"id\": \"TK-7\"}}";

        List<String> launched = operator().body(body).post("/api/v1/events").then().statusCode(202)
                .extract().path("launched");
        List<String> again = operator().body(body).post("/api/v1/events").then().statusCode(202)
                .extract().path("launched");

        assertThat(launched).as("one run for each workflow with the trigger").hasSize(2);
        assertThat(again).as("the same event id launches nothing new").isEqualTo(launched);
        List<String> outputs = new java.util.ArrayList<>();
        for (String id : launched) {
            assertThat(waitFor(id, "SUCCEEDED")).isTrue();
            java.util.Map<String, String> output = given().auth().oauth2(TestTokens.as("stepwise.viewer"))
                    .get("/api/v1/runs/" + id).then().extract().path("output");
            outputs.add(output.containsKey("ticket") ? output.get("ticket") : output.get("label"));
        }
        assertThat(outputs).as("inputs mapped from the event").containsExactlyInAnyOrder("TK-7", "new TK-7");
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("workflow", "runs.on-ticket")
                .get("/api/v1/runs").then().body("items.size()", equalTo(1));
    }

    @Test
    void aTerminatedExecutionIsSettledByTheReconcilerAndCanBeResumed() throws InterruptedException {
        String run = launch("{\"inputs\": {\"ticket\": \"TERM\"}}");
        assertThat(waitFor(run, "WAITING")).isTrue();
        io.temporal.serviceclient.WorkflowServiceStubs stubs = io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
                io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder()
                        .setTarget(System.getProperty("stepwise.test.temporal-target")).build());
        try {
            io.temporal.client.WorkflowClient.newInstance(stubs)
                    .newUntypedWorkflowStub(io.stepwise.core.runtime.RuntimeContract.workflowId(run))
                    .terminate("operator pulled the plug");
        } finally {
            stubs.shutdown();
        }

        assertThat(waitFor(run, "FAILED")).as("the reconciler writes what Temporal reports").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("error.type", equalTo("Terminated"));
        operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(200).body("attempt", equalTo(2));
        assertThat(waitFor(run, "WAITING")).isTrue();
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
        assertThat(waitFor(run, "CANCELED")).isTrue();
        operator().post("/api/v1/runs/" + run + "/resume").then().statusCode(409);
    }

    @Test
    void replayedRunSendsTheRealSecretWhileNoResponseOrLogLineShowsIt() throws Exception {
        List<String> authHeaders = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<String> logLines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/secret", exchange -> {
            authHeaders.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] ok = "{\"ok\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                String text = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                        : record.getMessage();
                logLines.add(text + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(capture);
        try {
            TestPacks.write("runs", "secret-call.yaml", """
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: secret-call
                    inputs:
                      token: { type: string, secret: true }
                      url: { type: string }
                    steps:
                      - id: call
                        uses: http.request
                        with: { method: GET, url: "${{ inputs.url }}", headers: { Authorization: "Bearer ${{ inputs.token }}" } }
                      - id: note
                        uses: log
                        with: { message: "called with ${{ inputs.token }}" }
                    """);
            given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
            String secret = "sek-" + java.util.UUID.randomUUID();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret";
            String first = operator().body("{\"inputs\": {\"token\": \"" + secret + "\", \"url\": \"" + url + "\"}}")
                    .post("/api/v1/workflows/runs.secret-call/runs").then().statusCode(201).extract().path("id");
            assertThat(waitFor(first, "SUCCEEDED")).isTrue();

            var replayResponse = operator().body("{}").post("/api/v1/runs/" + first + "/replay").then().statusCode(201)
                    .extract();
            String replay = replayResponse.path("id");
            assertThat(waitFor(replay, "SUCCEEDED")).isTrue();

            assertThat(authHeaders).as("both runs sent the real secret").containsExactly("Bearer " + secret,
                    "Bearer " + secret);
            List<String> responses = new java.util.ArrayList<>(List.of(replayResponse.asString()));
            for (String id : List.of(first, replay)) {
                responses.add(given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + id).asString());
                responses.add(given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + id + "/events")
                        .asString());
            }
            responses.add(given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs").asString());
            assertThat(responses).noneMatch(r -> r.contains(secret));
            assertThat(logLines).as("captured log lines").isNotEmpty().noneMatch(l -> l.contains(secret));
            assertThat(logLines).anyMatch(l -> l.contains("called with [REDACTED]"));
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
            server.stop(0);
        }
    }

    @Test
    void thePrometheusEndpointCountsLaunchesAndResyncs() {
        String launched = "stepwise_runs_launched_total{workflow=\"runs.approve\"} ";
        double before = metric(launched);
        launch("{\"inputs\": {\"ticket\": \"M-1\"}}");
        launch("{\"inputs\": {\"ticket\": \"M-2\"}}");

        assertThat(metric(launched) - before).isEqualTo(2.0);
        assertThat(metric("stepwise_resync_duration_seconds_count{dry_run=\"false\"} ")).isPositive();
        assertThat(metric("stepwise_resync_definitions_total{change=\"unchanged\"} ")).isPositive();
    }

    /** A sample's value in the Prometheus text format, 0 when the series does not exist yet. */
    private static double metric(String seriesAndSpace) {
        String text = ManagementPort.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(seriesAndSpace)).findFirst()
                .map(l -> Double.parseDouble(l.substring(seriesAndSpace.length()).trim())).orElse(0.0);
    }

    @Test
    void replayResumeAndCancelNeedNoBodyAndTheDocumentListsTheReplays() throws InterruptedException {
        String original = launch("{\"inputs\": {\"ticket\": \"NB-1\"}}");
        // what `curl -X POST` or a browser's fetch with no body sends: no Content-Type, no body
        String op = TestTokens.as("stepwise.operator");
        given().auth().oauth2(op).post("/api/v1/runs/" + original + "/cancel").then().statusCode(202);
        assertThat(waitFor(original, "CANCELED")).isTrue();
        given().auth().oauth2(op).post("/api/v1/runs/" + original + "/resume").then().statusCode(409)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("replay it"));
        String first = given().auth().oauth2(op).post("/api/v1/runs/" + original + "/replay").then().statusCode(201)
                .body("replayOf", equalTo(original)).body("inputs.ticket", equalTo("NB-1")).extract().path("id");
        String second = given().auth().oauth2(op).post("/api/v1/runs/" + original + "/replay").then().statusCode(201)
                .extract().path("id");

        given().auth().oauth2(op).contentType("text/plain").body("ticket=NB-2")
                .post("/api/v1/runs/" + original + "/replay").then().statusCode(415)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("application/json"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + original).then().statusCode(200)
                .body("replayedBy", equalTo(List.of(second, first))).body("resumable", equalTo(false));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + first).then()
                .body("replayedBy", equalTo(List.of()));
        given().auth().oauth2(op).post("/api/v1/runs/" + first + "/cancel").then().statusCode(202);
        given().auth().oauth2(op).post("/api/v1/runs/" + second + "/cancel").then().statusCode(202);
    }

    @Test
    void statsCountRunsByStatusAndFinishedRunsPerMinute() throws InterruptedException {
        var before = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/stats").then()
                .statusCode(200).extract().jsonPath();
        assertThat(before.getMap("byStatus").keySet())
                .containsExactlyInAnyOrder("PENDING", "RUNNING", "WAITING", "SUCCEEDED", "FAILED", "CANCELED");
        assertThat(before.getList("finishedPerMinute")).hasSize(60);
        int canceledBefore = before.getInt("byStatus.CANCELED");

        String run = launch("{\"inputs\": {\"ticket\": \"ST-1\"}}");
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
        assertThat(waitFor(run, "CANCELED")).isTrue();

        var after = given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/stats").then()
                .statusCode(200).extract().jsonPath();
        assertThat(after.getInt("byStatus.CANCELED")).isEqualTo(canceledBefore + 1);
        List<java.util.Map<String, Object>> minutes = after.getList("finishedPerMinute");
        assertThat(minutes).hasSize(60);
        assertThat(java.time.Instant.parse((String) minutes.get(59).get("minute")))
                .isBefore(java.time.Instant.now()).isAfter(java.time.Instant.now().minusSeconds(120));
        long canceledLastMinutes = minutes.subList(58, 60).stream().mapToLong(m -> ((Number) m.get("CANCELED")).longValue()).sum();
        assertThat(canceledLastMinutes).as("the cancel just now counts in the last minute or the one before").isPositive();
        given().get("/api/v1/runs/stats").then().statusCode(401);
    }

    @Test
    void queuesShowTheirOwnerAndInstances() {
        // claim a lease on another queue as a worker of another owner would
        io.quarkus.arc.Arc.container().instance(io.stepwise.bootstrap.lease.QueueLease.class).get()
                .claim("audit-queue", "ops", "ops@host:1", "dev", java.time.Duration.ofSeconds(30));

        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/queues").then().statusCode(200)
                .body("items.find { it.name == 'audit-queue' }.owner", equalTo("ops"))
                .body("items.find { it.name == 'audit-queue' }.instances[0].instance", equalTo("ops@host:1"))
                .body("items.find { it.name == 'audit-queue' }.instances[0].live", equalTo(true))
                .body("items.find { it.name == 'audit-queue' }.live", equalTo(true))
                .body("items.find { it.name == 'audit-queue' }.authored", equalTo(false))
                // the test server does not report pollers: null, not an empty list that would read "none"
                .body("items.find { it.name == 'audit-queue' }.pollers", org.hamcrest.Matchers.nullValue())
                // the authored queue is listed first
                .body("items[0].authored", equalTo(true)).body("items[0].name", equalTo("stepwise-authored"));
        given().get("/api/v1/queues").then().statusCode(401);
    }

    @Test
    void runsAreListedNewestFirstWithACursor() {
        String first = launch("{\"inputs\": {\"ticket\": \"L-1\"}}");
        String second = launch("{\"inputs\": {\"ticket\": \"L-2\"}}");

        var page = given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("limit", 1).get("/api/v1/runs")
                .then().statusCode(200).extract();
        assertThat((List<String>) page.path("items.id")).containsExactly(second);
        String cursor = page.path("nextCursor");
        assertThat(cursor).isNotNull();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("limit", 1).queryParam("cursor", cursor)
                .get("/api/v1/runs").then().statusCode(200).body("items[0].id", equalTo(first));
    }
}
