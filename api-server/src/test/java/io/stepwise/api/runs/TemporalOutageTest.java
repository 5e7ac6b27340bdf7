package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestHttpTarget;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Temporal is down while 20 runs are launched: each launch still answers 201 with a PENDING run
 * that says why. When Temporal is back, the reconciler starts them all, and each run's HTTP step
 * reaches the counting server exactly once.
 */
@QuarkusTest
@TestProfile(TemporalOutageTest.QuickRecovery.class)
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class TemporalOutageTest {

    public static class QuickRecovery implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "stepwise.temporal.rpc-timeout", "2s",
                    "stepwise.temporal.reconnect-backoff-reset", "1s",
                    "stepwise.temporal.outage-pause", "1s",
                    "stepwise.reconciler.interval", "500ms",
                    "stepwise.reconciler.grace", "1s");
        }
    }

    @Inject
    DataSource db;

    @Test
    void runsLaunchedWhileTemporalIsDownAllCompleteOnceWhenItIsBack() throws Exception {
        TestHttpTarget target = TestHttpTarget.answering("/count", "{}");
        Map<String, AtomicInteger> calls = target.callsByQuery();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            TestPacks.write("outage", "count.yaml", """
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: count
                    inputs:
                      url: { type: string, required: true }
                      n: { type: integer, required: true }
                    steps:
                      - id: call
                        uses: http.request
                        with: { method: GET, url: "${{ inputs.url + '?n=' + string(inputs.n) }}" }
                    outputs:
                      n: ${{ inputs.n }}
                    """);
            given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
            String url = target.url();

            TestWorker.stop();
            StepwiseTestResource.stopTemporal();
            List<CompletableFuture<String>> launches = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                String body = "{\"inputs\": {\"url\": \"" + url + "\", \"n\": " + n + "}}";
                launches.add(CompletableFuture.supplyAsync(() -> given().auth().oauth2(TestTokens.as("stepwise.operator"))
                        .contentType(ContentType.JSON).body(body).post("/api/v1/workflows/outage.count/runs")
                        .then().statusCode(201).body("status", equalTo("PENDING")).extract().<String>path("id"), clients));
            }
            List<String> runs = launches.stream().map(CompletableFuture::join).toList();
            given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + runs.get(0)).then()
                    .statusCode(200).body("status", equalTo("PENDING"))
                    .body("stuck.reason", startsWith("not started in Temporal yet"));
            assertThat(calls).as("nothing ran while Temporal was down").isEmpty();

            StepwiseTestResource.startTemporal();
            TestWorker.ensureStarted(db);

            for (String run : runs) {
                assertThat(waitFor(run, "SUCCEEDED")).as("run %s completes once Temporal is back", run).isTrue();
            }
            assertThat(calls).as("every run's step ran").hasSize(20);
            calls.forEach((query, count) -> assertThat(count.get()).as("calls for %s", query).isEqualTo(1));
            for (String run : runs) {
                given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                        .body("attempt", equalTo(1)).body("steps.size()", equalTo(1))
                        .body("steps[0].attempts", equalTo(1));
            }
            assertThat(runsOfWorkflow()).as("no launch made a second run").isEqualTo(20);
        } finally {
            clients.shutdownNow();
            target.close();
        }
    }

    @Test
    void aResumeAcceptedWhileTemporalIsDownKeepsTheSucceededStepsWhenTheReconcilerStartsIt() throws Exception {
        TestWorker.ensureStarted(db);
        TestHttpTarget target = TestHttpTarget.answering("/once", "{}");
        try {
            TestPacks.write("outage", "gate.yaml", """
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: gate
                    inputs:
                      url: { type: string, required: true }
                    steps:
                      - id: first
                        uses: http.request
                        with: { method: GET, url: "${{ inputs.url }}" }
                      - id: gate
                        uses: event.wait
                        with: { event: go, timeout: 1s, onTimeout: fail }
                    """);
            given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
            String url = target.url();
            String run = given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON)
                    .body("{\"inputs\": {\"url\": \"" + url + "\"}}").post("/api/v1/workflows/outage.gate/runs")
                    .then().statusCode(201).extract().path("id");
            assertThat(waitFor(run, "FAILED")).as("the gate times out").isTrue();

            TestWorker.stop();
            StepwiseTestResource.stopTemporal();
            given().auth().oauth2(TestTokens.as("stepwise.operator")).post("/api/v1/runs/" + run + "/resume").then()
                    .statusCode(200).body("attempt", equalTo(2)).body("status", equalTo("PENDING"));
            StepwiseTestResource.startTemporal();
            TestWorker.ensureStarted(db);

            assertThat(waitFor(run, "WAITING")).as("the reconciler started attempt 2").isTrue();
            assertThat(target.calls()).as("the step that succeeded in attempt 1 was not run again").isEqualTo(1);
            given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON)
                    .body("{\"event\": \"go\"}").post("/api/v1/runs/" + run + "/signals").then().statusCode(202);
            assertThat(waitFor(run, "SUCCEEDED")).isTrue();
            assertThat(target.calls()).isEqualTo(1);
        } finally {
            target.close();
        }
    }

    private int runsOfWorkflow() throws java.sql.SQLException {
        try (var c = db.getConnection(); var s = c.prepareStatement("SELECT count(*) FROM runs WHERE workflow_ref = ?")) {
            s.setString(1, "outage.count");
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
