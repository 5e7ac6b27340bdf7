package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import io.stepwise.core.runtime.AuthoredWorkflow;
import io.stepwise.core.runtime.RunLimits;
import io.stepwise.core.runtime.RunState;
import io.stepwise.core.runtime.RuntimeContract;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** How far one event may reach (stepwise.events.max-fan-out) and how many events a run may hold. */
@QuarkusTest
@TestProfile(EventLimitsTest.SmallCaps.class)
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class EventLimitsTest {
    /** An event may signal 2 runs. */
    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stepwise.events.max-fan-out", "2");
        }
    }

    /** The worker's runs hold 2 events each. */
    static final RunLimits WORKER_CAPS = new RunLimits(1000, 2);

    @Inject
    DataSource db;

    @BeforeEach
    void workerAndPack() {
        TestWorker.ensureStarted(db, WORKER_CAPS);
        TestPacks.write("limits", "hold.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: hold
                inputs:
                  key: { type: string, required: true }
                steps:
                  - id: hold
                    uses: event.wait
                    with: { event: go, correlationKey: "${{ inputs.key }}" }
                outputs:
                  by: ${{ steps.hold.output.user }}
                """);
        TestPacks.write("limits", "on-go.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: on-go
                inputs:
                  key: { type: string }
                triggers:
                  - event: go
                    inputs:
                      key: ${{ event.correlationKey }}
                steps:
                  - id: echo
                    uses: transform
                    with: { value: "${{ inputs.key }}" }
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    private static String launchHold(String key) {
        return operator().body("{\"inputs\": {\"key\": \"" + key + "\"}}").post("/api/v1/workflows/limits.hold/runs")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void anEventThatMatchesMoreRunsThanTheFanOutCapIsRefusedAndSignalsNone() throws Exception {
        String key = "flood-" + UUID.randomUUID();
        List<String> runs = List.of(launchHold(key), launchHold(key), launchHold(key));
        for (String run : runs) {
            assertThat(waitFor(run, "WAITING")).isTrue();
        }
        String id = "evt-" + UUID.randomUUID();

        operator().body("{\"name\": \"go\", \"correlationKey\": \"" + key + "\", \"id\": \"" + id
                        + "\", \"payload\": {\"user\": \"ann\"}}")
                .post("/api/v1/events").then().statusCode(409)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(409))
                .body("detail", containsString("matches 3 waiting runs; the limit is 2 (stepwise.events.max-fan-out)"))
                .body("detail", containsString("Nothing was signaled or launched"));

        for (String run : runs) {
            assertThat(count("SELECT count(*) FROM run_events WHERE run_id = '" + run + "' AND kind = 'SIGNALED'"))
                    .as("run %s was not signaled", run).isZero();
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                    .body("status", equalTo("WAITING")).body("waits[0].status", equalTo("WAITING"));
        }
        assertThat(count("SELECT count(*) FROM runs WHERE workflow_ref = 'limits.on-go' AND inputs->>'key' = '"
                + key + "'")).as("no trigger launched").isZero();
        assertThat(count("SELECT count(*) FROM processed_events WHERE event_id = '" + id + "'"))
                .as("the id is not claimed, so it can be sent again").isZero();

        // each run still takes the event when it is sent to it alone
        for (String run : runs) {
            operator().body("{\"event\": \"go\", \"correlationKey\": \"" + key + "\", \"payload\": {\"user\": \"bo\"}}")
                    .post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
            assertThat(waitFor(run, "SUCCEEDED")).isTrue();
        }
    }

    @Test
    void anEventWithinTheFanOutCapReachesEveryWaitingRun() throws Exception {
        String key = "pair-" + UUID.randomUUID();
        String first = launchHold(key);
        String second = launchHold(key);
        assertThat(waitFor(first, "WAITING") && waitFor(second, "WAITING")).isTrue();

        List<String> signaled = operator().body("{\"name\": \"go\", \"correlationKey\": \"" + key
                        + "\", \"payload\": {\"user\": \"ann\"}}")
                .post("/api/v1/events").then().statusCode(202).extract().path("signaled");

        assertThat(signaled).containsExactlyInAnyOrder(first, second);
        assertThat(waitFor(first, "SUCCEEDED") && waitFor(second, "SUCCEEDED")).isTrue();
    }

    @Test
    void aSignalToARunWhoseBufferIsFullIsRefusedAndTheRunStillCompletes() throws Exception {
        String key = "buffer-" + UUID.randomUUID();
        String run = launchHold(key);
        assertThat(waitFor(run, "WAITING")).isTrue();
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(System.getProperty("stepwise.test.temporal-target")).build());
        try {
            AuthoredWorkflow workflow = WorkflowClient.newInstance(stubs, io.stepwise.bootstrap.testing.TestKeys.clientOptions().build())
                    .newWorkflowStub(AuthoredWorkflow.class, RuntimeContract.workflowId(run));
            for (int i = 0; i < 2; i++) {
                operator().body("{\"event\": \"noise\", \"payload\": {\"n\": " + i + "}}")
                        .post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
            }
            assertThat(poll(workflow, s -> s.bufferedEvents() == 2)).as("the run holds both").isTrue();

            operator().body("{\"event\": \"noise\", \"payload\": {\"n\": 2}}")
                    .post("/api/v1/runs/" + run + "/signals").then().statusCode(429)
                    .contentType(startsWith("application/problem+json"))
                    .body("detail", containsString("event buffer is full: it holds 2 events"))
                    .body("detail", containsString("stepwise.worker.max-buffered-events, is 2"))
                    .body("detail", containsString("nothing was sent"));

            RunState state = workflow.state();
            assertThat(state.bufferedEvents()).isEqualTo(2);
            assertThat(state.droppedEvents()).as("refused before it was sent, not dropped").isZero();
            assertThat(count("SELECT count(*) FROM run_events WHERE run_id = '" + run + "' AND kind = 'SIGNALED'"))
                    .isEqualTo(2);

            // the event its wait takes still gets in
            operator().body("{\"event\": \"go\", \"correlationKey\": \"" + key + "\", \"payload\": {\"user\": \"ann\"}}")
                    .post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
            assertThat(waitFor(run, "SUCCEEDED")).isTrue();
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                    .body("output.by", equalTo("ann"));
        } finally {
            stubs.shutdownNow();
        }
    }

    /** Asks the run's state up to 100 times, 100 ms apart; answers whether it ever satisfied {@code test}. */
    private static boolean poll(AuthoredWorkflow workflow, Predicate<RunState> test) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (test.test(workflow.state())) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private long count(String query) throws SQLException {
        try (var c = db.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
