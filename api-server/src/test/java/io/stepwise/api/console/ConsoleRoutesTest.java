package io.stepwise.api.console;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepwise.api.testing.StepwiseTestResource;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

/** The console's page answers its deep links without a token; the API under /api/v1 is not shadowed by them. */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class ConsoleRoutesTest {

    @Test
    void everyDeepLinkAnswersTheConsolePage() {
        for (String path : new String[] {"/", "/signin", "/workflows", "/workflows/demo.hello", "/runs",
                "/runs/0b9c7c7e-0000-4000-8000-000000000000", "/queues"}) {
            given().get(path).then().statusCode(200).contentType(startsWith("text/html"))
                    .body(containsString("<script type=\"module\" src=\"/console/app.js\"></script>"))
                    .header("Content-Security-Policy", containsString("default-src 'self'"));
        }
    }

    @Test
    void theModulesAreServedAndTheApiKeepsItsAnswers() {
        given().get("/console/app.js").then().statusCode(200).contentType(containsString("javascript"));
        given().get("/console/style.css").then().statusCode(200);
        given().get("/api/v1/runs").then().statusCode(401).contentType(startsWith("application/problem+json"));
        given().get("/runs/a/b").then().statusCode(404);
        given().get("/q/openapi").then().statusCode(200);
    }
}
