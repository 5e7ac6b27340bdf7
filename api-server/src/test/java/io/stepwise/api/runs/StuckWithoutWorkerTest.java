package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TemporalCalls;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.bootstrap.lease.QueueLease;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * A queue nobody polls: launched runs stay PENDING and say why, and so does a run that waits; when a
 * worker's lease appears, the reason clears.
 */
@QuarkusTest
@TestProfile(StuckWithoutWorkerTest.UnpolledQueue.class)
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class StuckWithoutWorkerTest {

    public static class UnpolledQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("stepwise.temporal.task-queue", "nobody-polls-this");
        }
    }

    @Inject
    QueueLease leases;
    @Inject
    TemporalCalls calls;
    @Inject
    DataSource db;

    @Test
    void activeRunsWithoutALiveWorkerShowWhyAndTheReasonClearsWhenOneComes() throws Exception {
        TestPacks.write("idle", "wait.yaml", "apiVersion: stepwise/v1\nkind: Workflow\nname: wait\nsteps:\n"
                + "  - id: a\n    uses: noop\n");
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
        String run = given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/workflows/idle.wait/runs").then().statusCode(201).extract().path("id");

        calls.reset();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("PENDING"))
                .body("stuck.reason", startsWith("no worker polls the queue nobody-polls-this"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).queryParam("stuck", true).get("/api/v1/runs").then()
                .body("items.id", hasItem(run));
        assertThat(calls.except("stepwise-reconciler")).as("whether a worker polls came from the database").isEmpty();

        // a run that got as far as a wait before its worker went: a signal or a timer needs a worker too
        Instant lastProgress = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = 'WAITING', updated_at = ? WHERE id = ?::uuid")) {
            ps.setTimestamp(1, Timestamp.from(lastProgress));
            ps.setString(2, run);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("WAITING"))
                .body("stuck.reason", startsWith("no worker polls the queue nobody-polls-this"))
                .body("stuck.since", equalTo(lastProgress.toString()));

        leases.claim("nobody-polls-this", "workflow-worker", "workflow-worker@late:1", "dev", Duration.ofSeconds(30));

        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("WAITING")).body("stuck", nullValue());
    }
}
