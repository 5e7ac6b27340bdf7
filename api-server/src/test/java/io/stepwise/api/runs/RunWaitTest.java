package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Waiting for a run without polling (API.md, "Waiting for a run"): the long poll on the run
 * document answers on a status change or when its wait ends; launch-and-wait answers with the
 * finished run of a short workflow and with the running one of a long one, 201 both times.
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class RunWaitTest {
    @Inject
    DataSource db;

    @BeforeEach
    void workerAndPack() {
        TestWorker.ensureStarted(db);
        TestPacks.write("waits", "quick.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: quick
                steps:
                  - id: shape
                    uses: transform
                    with: { value: { ok: true } }
                outputs:
                  ok: ${{ steps.shape.output.ok }}
                """);
        TestPacks.write("waits", "gate.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: gate
                steps:
                  - id: open
                    uses: event.wait
                    with: { event: open }
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON);
    }

    private static RequestSpecification viewer() {
        return given().auth().oauth2(TestTokens.as("stepwise.viewer"));
    }

    @Test
    void launchAndWaitAnswersWithTheFinishedRunOfAShortWorkflow() {
        operator().body("{}").queryParam("wait", "30s").post("/api/v1/workflows/waits.quick/runs").then()
                .statusCode(201).header("Location", notNullValue())
                .body("status", equalTo("SUCCEEDED")).body("output.ok", equalTo(true))
                .body("finishedAt", notNullValue());
    }

    @Test
    void launchAndWaitAnswersWithTheRunningRunOfALongOneWhenItsWaitEnds() {
        long start = System.nanoTime();
        String status = operator().body("{}").queryParam("wait", "2s").post("/api/v1/workflows/waits.gate/runs")
                .then().statusCode(201).extract().path("status");

        assertThat(status).as("the run still waits for its event").isIn("PENDING", "RUNNING", "WAITING");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the answer came when the wait ended, not before")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theLongPollAnswersWhenTheStatusChanges() throws Exception {
        String run = operator().body("{}").post("/api/v1/workflows/waits.gate/runs").then().statusCode(201)
                .extract().path("id");
        assertThat(waitFor(run, "WAITING")).isTrue();

        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() ->
                viewer().queryParam("wait", "50s").get("/api/v1/runs/" + run));
        Thread.sleep(1000);
        assertThat(poll).as("nothing changed yet: the poll is still open").isNotDone();
        long signaled = System.nanoTime();
        operator().body("{\"event\": \"open\"}").post("/api/v1/runs/" + run + "/signals").then().statusCode(202);

        Response answer = poll.get(45, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - signaled)).as("answered on the change, long before the 50 s wait")
                .isLessThan(Duration.ofSeconds(30));
        answer.then().statusCode(200).body("id", equalTo(run)).body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void theLongPollAnswersWithTheUnchangedRunWhenItsWaitEnds() {
        String run = operator().body("{}").post("/api/v1/workflows/waits.gate/runs").then().statusCode(201)
                .extract().path("id");
        viewer().queryParam("wait", "30s").queryParam("from", "PENDING").get("/api/v1/runs/" + run).then()
                .statusCode(200); // from PENDING: answers once it has moved on
        long start = System.nanoTime();
        String status = viewer().queryParam("wait", "1500ms").queryParam("from", "WAITING").get("/api/v1/runs/" + run)
                .then().statusCode(200).extract().path("status");

        assertThat(status).isEqualTo("WAITING");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aTerminalRunAnswersAtOnceAndABadWaitIsA400NamingIt() {
        String run = operator().body("{}").queryParam("wait", "30s").post("/api/v1/workflows/waits.quick/runs").then()
                .statusCode(201).extract().path("id");
        long start = System.nanoTime();
        viewer().queryParam("wait", "60s").get("/api/v1/runs/" + run).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

        viewer().queryParam("wait", "2h").get("/api/v1/runs/" + run).then().statusCode(400)
                .body("errors.field", hasItem("wait"));
        viewer().queryParam("wait", "61s").get("/api/v1/runs/" + run).then().statusCode(400)
                .body("errors.field", hasItem("wait"));
        viewer().queryParam("wait", "5s").queryParam("from", "SLEEPING").get("/api/v1/runs/" + run).then()
                .statusCode(400).body("errors.field", hasItem("from"));
        operator().body("{}").queryParam("wait", "soon").post("/api/v1/workflows/waits.quick/runs").then()
                .statusCode(400).body("errors.field", hasItem("wait"));
    }
}
