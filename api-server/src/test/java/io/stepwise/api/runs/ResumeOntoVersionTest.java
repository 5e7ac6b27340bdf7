package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestHttpTarget;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Resume onto a newer version (issue 15, docs/runs.md): a run that failed on a bug in the workflow
 * continues on the fixed version without repeating the steps that succeeded, and a version that
 * can't carry the run on is refused with every reason, before anything changes.
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class ResumeOntoVersionTest {
    @Inject
    DataSource db;

    private TestHttpTarget target;

    @BeforeEach
    void worker() throws Exception {
        TestWorker.ensureStarted(db);
        target = TestHttpTarget.answering("/order", "{\"value\": \"once\"}");
    }

    @AfterEach
    void close() {
        target.close();
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    private static void publish(String name, String steps, String inputs) {
        TestPacks.write("evolve", name + ".yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: %s
                inputs:
                  url: { type: string, required: true }
                %s
                steps:
                %s
                outputs:
                  result: ${{ steps.shape.output }}
                """.formatted(name, inputs.indent(2).stripTrailing(), steps.indent(2).stripTrailing()));
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    /** Version 1: fetches once, then shapes the answer with an expression that reads a field the body lacks. */
    private String failedRun(String name) throws InterruptedException {
        publish(name, """
                - id: fetch
                  uses: http.request
                  with: { method: GET, url: "${{ inputs.url }}" }
                - id: shape
                  uses: transform
                  with: { value: "${{ steps.fetch.output.body.missing.value }}" }
                """, "");
        String run = operator().body("{\"inputs\": {\"url\": \"" + target.url() + "\"}}")
                .post("/api/v1/workflows/evolve." + name + "/runs").then().statusCode(201).extract().path("id");
        assertThat(waitFor(run, "FAILED")).as("the shape step's expression fails").isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("error.step", equalTo("shape")).body("workflow.versionSeq", equalTo(1));
        assertThat(target.calls()).isEqualTo(1);
        return run;
    }

    @Test
    void aRunThatFailedOnAWrongExpressionCompletesOnTheFixedVersionWithoutCallingAgain() throws Exception {
        String run = failedRun("fixable");
        publish("fixable", """
                - id: fetch
                  uses: http.request
                  with: { method: GET, url: "${{ inputs.url }}" }
                - id: shape
                  uses: transform
                  with: { value: "${{ steps.fetch.output.body.value }}" }
                - id: note
                  uses: transform
                  with: { value: "${{ steps.shape.output }} noted" }
                """, "");

        JsonPath plan = operator().body("{\"version\": \"current\"}").post("/api/v1/runs/" + run + "/resume?dryRun=true")
                .then().statusCode(200).extract().jsonPath();
        assertThat(plan.getInt("fromVersion")).isEqualTo(1);
        assertThat(plan.getInt("toVersion")).isEqualTo(2);
        assertThat(plan.getList("kept", String.class)).containsExactly("fetch");
        assertThat(plan.getList("run", String.class)).containsExactly("shape", "note");
        assertThat(plan.getList("incompatibilities")).isEmpty();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("FAILED")).body("attempt", equalTo(1)).body("workflow.versionSeq", equalTo(1));

        operator().body("{\"version\": \"current\"}").post("/api/v1/runs/" + run + "/resume").then().statusCode(200)
                .body("attempt", equalTo(2)).body("workflow.versionSeq", equalTo(2));
        assertThat(waitFor(run, "SUCCEEDED")).isTrue();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("output.result", equalTo("once"));
        assertThat(target.calls()).as("the HTTP step that succeeded was not called again").isEqualTo(1);
        assertThat(stepsRunIn(run, 2)).as("the dry run said what the resume then did")
                .containsExactlyInAnyOrderElementsOf(plan.getList("run", String.class));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run + "/events").then()
                .body("items.kind", equalTo(List.of("LAUNCHED", "RESUMED")))
                .body("items[1].details.fromVersion", equalTo(1)).body("items[1].details.toVersion", equalTo(2))
                .body("items[1].details.keptSteps", equalTo(1));
    }

    @Test
    void aVersionThatRenamedACompletedStepAndNeedsANewInputIsRefusedWithBothReasons() throws Exception {
        String run = failedRun("renamed");
        publish("renamed", """
                - id: download
                  uses: http.request
                  with: { method: GET, url: "${{ inputs.url }}" }
                - id: shape
                  uses: transform
                  with: { value: "${{ steps.download.output.body.value }} in ${{ inputs.region }}" }
                """, "region: { type: string, required: true }");

        for (String query : List.of("?dryRun=true", "")) {
            operator().body("{\"version\": \"current\"}").post("/api/v1/runs/" + run + "/resume" + query).then()
                    .statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("can't resume on version 2"))
                    .body("errors.path", hasItem("fetch"))
                    .body("errors.find { it.path == 'fetch' }.message", containsString("step 'fetch' succeeded and"
                            + " step 'shape' reads its output, but version 2 has no step 'fetch'"))
                    .body("errors.field", hasItem("inputs.region"));
        }
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("FAILED")).body("attempt", equalTo(1)).body("workflow.versionSeq", equalTo(1));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run + "/events").then()
                .body("items.kind", equalTo(List.of("LAUNCHED")));
        assertThat(target.calls()).isEqualTo(1);
    }

    @Test
    void aResumeBodyWithAFieldTheApiDoesNotKnowIsA400AndResumesNothing() throws Exception {
        String run = failedRun("strict");
        operator().body("{\"versoin\": \"current\"}").post("/api/v1/runs/" + run + "/resume").then()
                .statusCode(400).body("detail", containsString("versoin"));
        operator().body("{\"version\": \"latest\"}").post("/api/v1/runs/" + run + "/resume").then()
                .statusCode(400).body("errors.field", hasItem("version"));
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("status", equalTo("FAILED")).body("attempt", equalTo(1));
    }

    /** The step paths the worker ran in {@code attempt} (steps in one workflow task share a start time). */
    private List<String> stepsRunIn(String runId, int attempt) throws Exception {
        List<String> paths = new ArrayList<>();
        try (var c = db.getConnection();
             var s = c.prepareStatement("SELECT path FROM steps WHERE run_id = ? AND attempt = ? ORDER BY path")) {
            s.setObject(1, UUID.fromString(runId));
            s.setInt(2, attempt);
            try (var rs = s.executeQuery()) {
                while (rs.next()) {
                    paths.add(rs.getString(1));
                }
            }
        }
        return paths;
    }
}
