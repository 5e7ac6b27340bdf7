package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TemporalCalls;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The reconciler driven by hand ({@code pass()}), its timer off: it reaches a lost start however
 * many runs wait, and it never starts a run that was canceled before its start.
 */
@QuarkusTest
@TestProfile(ReconcilerTest.ByHand.class)
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class ReconcilerTest {

    public static class ByHand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stepwise.reconciler.enabled", "false");
        }
    }

    @Inject
    DataSource db;
    @Inject
    Reconciler reconciler;
    @Inject
    TemporalRuns temporal;
    @Inject
    TemporalCalls calls;

    @BeforeEach
    void workerAndPack() {
        TestWorker.ensureStarted(db);
        TestPacks.write("rec", "wait.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: wait
                inputs:
                  key: { type: string, required: true }
                steps:
                  - id: hold
                    uses: event.wait
                    with: { event: go, correlationKey: "${{ inputs.key }}" }
                outputs:
                  by: ${{ steps.hold.output.user }}
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    @Test
    void aLostStartIsReachedWithinTwoPassesWhile150RunsWait() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<String> waiting;
        try {
            List<CompletableFuture<String>> launches = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                String body = "{\"inputs\": {\"key\": \"long-" + i + "\"}}";
                launches.add(CompletableFuture.supplyAsync(() -> operator().body(body)
                        .post("/api/v1/workflows/rec.wait/runs").then().statusCode(201).extract().<String>path("id"),
                        clients));
            }
            waiting = launches.stream().map(CompletableFuture::join).toList();
        } finally {
            clients.shutdownNow();
        }
        for (String run : waiting) {
            assertThat(waitFor(run, "WAITING")).as("run %s waits", run).isTrue();
        }
        // they have waited long: every one of them is older than the lost start, as after a busy day
        sql("UPDATE runs SET updated_at = now() - interval '1 hour' WHERE workflow_ref = 'rec.wait'");
        String lost = insertRun("PENDING", false, "lost");

        int passes = 0;
        for (int tries = 0; passes < 2 && tries < 20; tries++) {
            if (reconciler.pass().ran()) {
                passes++;
            }
        }
        assertThat(passes).isEqualTo(2);

        assertThat(temporal.describe(UUID.fromString(lost))).as("the lost start was started")
                .isInstanceOf(ExecutionState.Running.class);
        assertThat(waitFor(lost, "WAITING")).as("and a worker runs it").isTrue();
        operator().body("{\"name\": \"go\", \"correlationKey\": \"lost\", \"payload\": {\"user\": \"ann\"}}")
                .post("/api/v1/events").then().statusCode(202);
        assertThat(waitFor(lost, "SUCCEEDED")).isTrue();
    }

    @Test
    void aPendingRunCanceledBeforeItsStartIsCanceledAndNeverStarted() {
        String run = insertRun("PENDING", false, "never");

        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);

        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then().statusCode(200)
                .body("status", equalTo("CANCELED")).body("error.type", equalTo("Canceled"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run + "/events").then()
                .body("items.kind", equalTo(List.of("CANCELED")));
        reconciler.pass();
        reconciler.pass();
        assertThat(temporal.describe(UUID.fromString(run))).as("nothing started it")
                .isInstanceOf(ExecutionState.NotFound.class);
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("CANCELED"));
        operator().body("{\"event\": \"go\"}").post("/api/v1/runs/" + run + "/signals").then().statusCode(409);
        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(409);
    }

    @Test
    void aSignalToARunNotStartedYetIs409WithTheReason() {
        String run = insertRun("PENDING", false, "early");

        operator().body("{\"event\": \"go\", \"correlationKey\": \"early\"}").post("/api/v1/runs/" + run + "/signals")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("has not started in Temporal yet"));

        operator().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    }

    @Test
    void aPassRunsOnlyWhileNoOtherReplicaHoldsTheLock() throws SQLException {
        try (var other = db.getConnection(); var s = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
            s.setLong(1, Reconciler.LOCK_KEY);
            s.executeQuery().close();
            assertThat(reconciler.pass().ran()).as("another replica's pass holds the lock").isFalse();
            try (var unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, Reconciler.LOCK_KEY);
                unlock.executeQuery().close();
            }
        }
        assertThat(reconciler.pass().ran()).as("the lock is free again").isTrue();
        assertThat(reconciler.pass().ran()).as("a pass gives the lock back when it ends").isTrue();
    }

    @Test
    void stuckReasonsComeFromWhatTheWorkerAndTheReconcilerRecorded() throws SQLException {
        String failing = insertRun("RUNNING", true, "wt");
        String behind = insertRun("WAITING", true, "pb");
        sql("UPDATE runs SET execution_state = 'RUNNING', workflow_task_failure = 'workflow task failing: boom', "
                + "workflow_task_failed_at = now() WHERE id = '" + failing + "'");
        sql("UPDATE runs SET execution_state = 'RUNNING', projection_error = 'connection refused', "
                + "projection_failing_since = '2026-12-01T10:00:00Z' WHERE id = '" + behind + "'");

        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + failing).then()
                .body("stuck.reason", equalTo("workflow task failing: boom"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + behind).then()
                .body("stuck.reason", equalTo("projection behind since 2026-12-01T10:00:00Z: connection refused"))
                .body("stuck.since", equalTo("2026-12-01T10:00:00Z"));

        reconciler.pass(); // neither execution exists: the look says so, and that reason comes first
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + failing).then()
                .body("stuck.reason", equalTo("execution lost: resume to continue"));
        operator().post("/api/v1/runs/" + failing + "/cancel").then().statusCode(202);
        operator().post("/api/v1/runs/" + behind + "/cancel").then().statusCode(202);
    }

    @Test
    void aRunWithALostExecutionShowsWhyWithoutATemporalCallOnTheRequest() {
        String lost = insertRun("WAITING", true, "gone"); // started once; this Temporal has no such execution
        reconciler.pass();

        calls.reset();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + lost).then().statusCode(200)
                .body("status", equalTo("WAITING"))
                .body("stuck.reason", equalTo("execution lost: resume to continue"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("stuck", true).get("/api/v1/runs").then()
                .statusCode(200).body("items.id", org.hamcrest.Matchers.hasItem(lost));
        assertThat(calls.all()).as("reading the run and the stuck list asked Temporal nothing").isEmpty();

        reconciler.pass();
        assertThat(calls.all()).as("the counter sees the calls the reconciler makes").isNotEmpty();
        operator().post("/api/v1/runs/" + lost + "/cancel").then().statusCode(202);
    }

    @Test
    void aRunQuietAtItsLastLookIsLookedAtAgainWhenQuietAsLongAgainAndAtLeastEvery30s() throws SQLException {
        String waiting = insertRun("WAITING", true, "days"); // waits for days; its execution is gone here
        String busy = insertRun("RUNNING", true, "busy");
        sql("UPDATE runs SET updated_at = now() - interval '1 hour', reconciled_at = now() - interval '10 seconds' "
                + "WHERE id = '" + waiting + "'");
        sql("UPDATE runs SET updated_at = now() - interval '8 seconds', reconciled_at = now() - interval '3 seconds' "
                + "WHERE id = '" + busy + "'");

        assertThat(reconciler.pass().ran()).isTrue();
        assertThat(executionState(waiting)).as("quiet an hour at its look 10 s ago: the next look is 30 s after it")
                .isNull();
        assertThat(executionState(busy)).as("quiet 5 s at its look 3 s ago: the next look is 5 s after it").isNull();

        sql("UPDATE runs SET reconciled_at = now() - interval '31 seconds' WHERE id = '" + waiting + "'");
        sql("UPDATE runs SET updated_at = now() - interval '11 seconds', reconciled_at = now() - interval '6 seconds' "
                + "WHERE id = '" + busy + "'");
        assertThat(reconciler.pass().ran()).isTrue();
        assertThat(executionState(waiting)).as("30 s after the last look").isEqualTo("NOT_FOUND");
        assertThat(executionState(busy)).as("quiet as long again").isEqualTo("NOT_FOUND");
        operator().post("/api/v1/runs/" + waiting + "/cancel").then().statusCode(202);
        operator().post("/api/v1/runs/" + busy + "/cancel").then().statusCode(202);
    }

    private String executionState(String run) throws SQLException {
        try (var c = db.getConnection(); var s = c.prepareStatement("SELECT execution_state FROM runs WHERE id = ?")) {
            s.setObject(1, UUID.fromString(run));
            try (var r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }

    /** A run row as a launch leaves it when the server stops between the commit and the start. */
    private String insertRun(String status, boolean startedInTemporal, String key) {
        String id = UUID.randomUUID().toString();
        try (var c = db.getConnection(); var s = c.prepareStatement(
                "INSERT INTO runs (id, definition_id, version_id, workflow_ref, status, inputs, inputs_redacted, "
                        + "started_in_temporal, created_at, updated_at) SELECT ?, d.id, d.current_version_id, d.ref, ?, "
                        + "CAST(? AS jsonb), CAST(? AS jsonb), ?, now() - interval '10 seconds', "
                        + "now() - interval '10 seconds' FROM definitions d WHERE d.ref = 'rec.wait'")) {
            String inputs = "{\"key\": \"" + key + "\"}";
            s.setObject(1, UUID.fromString(id));
            s.setString(2, status);
            s.setString(3, inputs);
            s.setString(4, inputs);
            s.setBoolean(5, startedInTemporal);
            assertThat(s.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private void sql(String statement) throws SQLException {
        try (var c = db.getConnection(); var s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }
}
