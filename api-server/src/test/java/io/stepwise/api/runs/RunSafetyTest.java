package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestHttpTarget;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import io.stepwise.core.runtime.RuntimeContract;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

/** A run ends only for a reason in the workflow itself: concurrency, bad data and a lost Temporal can't strand one. */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class RunSafetyTest {
    @Inject
    DataSource db;

    @BeforeEach
    void workerAndPack() {
        TestWorker.ensureStarted(db);
        TestPacks.write("safe", "hold.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: hold
                inputs:
                  key: { type: string, required: true }
                  n: { type: number }
                  level: { type: integer, maximum: 5 }
                steps:
                  - id: hold
                    uses: event.wait
                    with: { event: go, correlationKey: "${{ inputs.key }}" }
                outputs:
                  by: ${{ steps.hold.output.user }}
                """);
        TestPacks.write("safe", "gate.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: gate
                inputs:
                  url: { type: string }
                steps:
                  - id: first
                    uses: http.request
                    with: { method: GET, url: "${{ inputs.url }}" }
                  - id: gate
                    uses: event.wait
                    with: { event: open }
                """);
        TestPacks.write("safe", "on-order.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: on-order
                inputs:
                  order: { type: string, required: true }
                triggers:
                  - event: order.placed
                    inputs:
                      order: ${{ event.payload.order }}
                steps:
                  - id: echo
                    uses: transform
                    with: { value: "${{ inputs.order }}" }
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    private static RequestSpecification viewer() {
        return given().auth().oauth2(TestTokens.as("stepwise.viewer"));
    }

    private static String launchHold(String key) {
        return operator().body("{\"inputs\": {\"key\": \"" + key + "\"}}").post("/api/v1/workflows/safe.hold/runs")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void tenConcurrentResumesOfAFailedRunMakeOneNewAttempt() throws Exception {
        TestHttpTarget target = TestHttpTarget.answering("/once", "{}");
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            String run = operator().body("{\"inputs\": {\"url\": \"" + target.url() + "\"}}")
                    .post("/api/v1/workflows/safe.gate/runs").then().statusCode(201).extract().path("id");
            assertThat(waitFor(run, "WAITING")).isTrue();
            terminateSilently(run);
            assertThat(waitFor(run, "FAILED")).as("the reconciler settles the terminated execution").isTrue();

            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> resumes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                resumes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return operator().post("/api/v1/runs/" + run + "/resume").statusCode();
                }, clients));
            }
            go.countDown();
            List<Integer> statuses = resumes.stream().map(CompletableFuture::join).toList();

            assertThat(statuses).filteredOn(s -> s == 200).as("exactly one resume wins").hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).as("the others are refused").hasSize(9);
            viewer().get("/api/v1/runs/" + run).then().body("attempt", equalTo(2));
            viewer().get("/api/v1/runs/" + run + "/events").then()
                    .body("items.kind", equalTo(List.of("LAUNCHED", "RESUMED")));
            assertThat(waitFor(run, "WAITING")).isTrue();
            operator().body("{\"event\": \"open\"}").post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
            assertThat(waitFor(run, "SUCCEEDED")).as("the one new execution completes").isTrue();
            viewer().get("/api/v1/runs/" + run).then().body("attempt", equalTo(2));
            assertThat(count("SELECT count(*) FROM steps WHERE run_id = '" + run + "' AND path = 'gate'"))
                    .as("the gate ran in attempt 1 and in one new attempt").isEqualTo(2);
            assertThat(target.calls()).as("the succeeded step was not run again").isEqualTo(1);
        } finally {
            clients.shutdownNow();
            target.close();
        }
    }

    @Test
    void badValuesAtTheEdgeAre400NamingTheField() {
        operator().body("{\"inputs\": {\"key\": \"a\\u0000b\"}}").post("/api/v1/workflows/safe.hold/runs").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("inputs.key"));
        operator().body("{\"inputs\": {\"key\": \"k\", \"n\": 1e400}}").post("/api/v1/workflows/safe.hold/runs").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("inputs.n"));
        operator().body("{\"inputs\": {\"key\": \"k\", \"level\": 1e400}}").post("/api/v1/workflows/safe.hold/runs")
                .then().statusCode(400).body("errors.field", hasItem("inputs.level"));
        operator().header("Idempotency-Key", "k".repeat(4096)).body("{\"inputs\": {\"key\": \"k\"}}")
                .post("/api/v1/workflows/safe.hold/runs").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("Idempotency-Key"));
        operator().body("{\"executionKey\": \"" + "e".repeat(257) + "\", \"inputs\": {\"key\": \"k\"}}")
                .post("/api/v1/workflows/safe.hold/runs").then().statusCode(400)
                .body("errors.field", hasItem("executionKey"));

        operator().body("{\"name\": \"go\", \"id\": \"" + "i".repeat(4096) + "\"}").post("/api/v1/events").then()
                .statusCode(400).body("errors.field", hasItem("id"));
        operator().body("{\"name\": \"g\\u0000o\", \"correlationKey\": \"" + "c".repeat(300) + "\"}")
                .post("/api/v1/events").then().statusCode(400).body("errors.field", hasItems("name", "correlationKey"));
        operator().body("{\"name\": \"go\", \"payload\": {\"big\": [1, -1e400]}}").post("/api/v1/events").then()
                .statusCode(400).body("errors.field", hasItem("payload.big[1]"));

        String run = UUID.randomUUID().toString();
        operator().body("{\"event\": \"go\", \"correlationKey\": \"k\\u0000\"}").post("/api/v1/runs/" + run + "/signals")
                .then().statusCode(400).body("errors.field", hasItem("correlationKey"));
        operator().body("{\"event\": \"go\", \"payload\": {\"n\": 2e308}}").post("/api/v1/runs/" + run + "/signals")
                .then().statusCode(400).body("errors.field", hasItem("payload.n"));
    }

    @Test
    void aRetriedEventReachesTheRunWhoseSignalFailedOnceItCanTakeIt() throws Exception {
        String healthy = launchHold("retry");
        String lost = launchHold("retry");
        assertThat(waitFor(healthy, "WAITING") && waitFor(lost, "WAITING")).isTrue();
        terminateSilently(lost); // its execution is gone while the database still has it waiting
        String event = "{\"name\": \"go\", \"correlationKey\": \"retry\", \"id\": \"evt-" + UUID.randomUUID()
                + "\", \"payload\": {\"user\": \"ann\"}}";

        List<String> first = operator().body(event).post("/api/v1/events").then().statusCode(202)
                .extract().path("signaled");
        assertThat(first).as("the healthy run got it, the lost one could not").containsExactly(healthy);
        assertThat(waitFor(healthy, "SUCCEEDED")).isTrue();
        assertThat(waitFor(lost, "FAILED")).as("the reconciler settles the terminated execution").isTrue();

        operator().post("/api/v1/runs/" + lost + "/resume").then().statusCode(200).body("attempt", equalTo(2));
        assertThat(waitFor(lost, "WAITING")).isTrue();
        List<String> again = operator().body(event).post("/api/v1/events").then().statusCode(202)
                .extract().path("signaled");

        assertThat(again).as("the retry reached the run that missed it").containsExactlyInAnyOrder(healthy, lost);
        assertThat(waitFor(lost, "SUCCEEDED")).isTrue();
        viewer().get("/api/v1/runs/" + lost).then().body("output.by", equalTo("ann"));
        viewer().get("/api/v1/runs/" + healthy + "/events").then()
                .body("items.kind", equalTo(List.of("LAUNCHED", "SIGNALED")));
    }

    @Test
    void tenConcurrentDuplicatesOfOneEventIdLaunchOnceAndSignalOnce() throws Exception {
        String waiting = launchHold("dup");
        assertThat(waitFor(waiting, "WAITING")).isTrue();
        String order = "O-" + UUID.randomUUID();
        String event = "{\"name\": \"order.placed\", \"id\": \"evt-" + UUID.randomUUID() + "\", \"payload\": "
                + "{\"order\": \"" + order + "\"}}";
        String signal = "{\"name\": \"go\", \"correlationKey\": \"dup\", \"id\": \"evt-" + UUID.randomUUID() + "\"}";
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Response>> posts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = i % 2 == 0 ? event : signal;
                posts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return operator().body(body).post("/api/v1/events");
                }, clients));
            }
            go.countDown();
            posts.forEach(p -> assertThat(p.join().statusCode()).isEqualTo(202));
        } finally {
            clients.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM runs WHERE workflow_ref = 'safe.on-order' AND inputs->>'order' = '"
                + order + "'")).as("one triggered run for one event id").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM run_events WHERE run_id = '" + waiting + "' AND kind = 'SIGNALED'"))
                .as("the waiting run was signaled once").isEqualTo(1);
        assertThat(waitFor(waiting, "SUCCEEDED")).isTrue();
    }

    @Test
    void runsLostWithTheEmbeddedTemporalSayWhyAndResumeCompletesThem() throws Exception {
        String toResume = launchHold("restart-a");
        String toCancel = launchHold("restart-b");
        assertThat(waitFor(toResume, "WAITING") && waitFor(toCancel, "WAITING")).isTrue();

        TestWorker.stop();
        StepwiseTestResource.stopTemporal();
        StepwiseTestResource.startTemporal();
        TestWorker.ensureStarted(db);
        long restartedAt = System.nanoTime();

        for (String run : List.of(toResume, toCancel)) {
            String reason = null;
            while (reason == null && System.nanoTime() - restartedAt < 10_000_000_000L) {
                reason = viewer().get("/api/v1/runs/" + run).then().statusCode(200).extract().path("stuck.reason");
                Thread.sleep(200);
            }
            assertThat(reason).as("run %s says why within 10 s of the restart", run)
                    .isEqualTo("execution lost: resume to continue");
        }
        viewer().queryParam("stuck", true).get("/api/v1/runs").then().statusCode(200)
                .body("items.id", hasItems(toResume, toCancel));

        operator().body("{\"event\": \"go\", \"correlationKey\": \"restart-a\"}")
                .post("/api/v1/runs/" + toResume + "/signals").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("resume"));
        operator().post("/api/v1/runs/" + toCancel + "/cancel").then().statusCode(202);
        viewer().get("/api/v1/runs/" + toCancel).then().body("status", equalTo("CANCELED"));

        operator().post("/api/v1/runs/" + toResume + "/resume").then().statusCode(200).body("attempt", equalTo(2));
        assertThat(waitFor(toResume, "WAITING")).isTrue();
        viewer().get("/api/v1/runs/" + toResume).then().body("stuck", nullValue());
        operator().body("{\"event\": \"go\", \"correlationKey\": \"restart-a\", \"payload\": {\"user\": \"bo\"}}")
                .post("/api/v1/runs/" + toResume + "/signals").then().statusCode(202);
        assertThat(waitFor(toResume, "SUCCEEDED")).isTrue();
        viewer().get("/api/v1/runs/" + toResume).then().body("output.by", equalTo("bo"));
    }

    /** Ends the run's execution behind Stepwise's back; the reconciler would later settle it FAILED. */
    private static void terminateSilently(String run) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(System.getProperty("stepwise.test.temporal-target")).build());
        try {
            WorkflowClient.newInstance(stubs).newUntypedWorkflowStub(RuntimeContract.workflowId(run))
                    .terminate("gone for the test");
        } finally {
            stubs.shutdown();
        }
    }

    private long count(String query) throws SQLException {
        try (var c = db.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
