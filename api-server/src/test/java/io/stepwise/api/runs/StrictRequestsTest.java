package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Request bodies are strict (issue 16): a field the API does not know is a 400 naming it, never
 * silence; a body in a media type an operation does not read is a 415 problem that says which it
 * reads. Each answer is also held to the OpenAPI document (OpenApiContract).
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class StrictRequestsTest {
    private static RequestSpecification operator() {
        return given().auth().oauth2(TestTokens.as("stepwise.operator"));
    }

    @Test
    void anUnknownFieldInALaunchIsA400NamingIt() {
        operator().contentType(ContentType.JSON).body("{\"inputs\": {}, \"colour\": \"red\"}")
                .post("/api/v1/workflows/strict.any/runs").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("unknown field 'colour' in the request body"))
                .body("errors[0].field", equalTo("colour"))
                .body("errors[0].message", containsString("known fields"));
    }

    @Test
    void anUnknownFieldInAResumeIsA400NotAResumeOnTheOldVersion() {
        // the first build answered 200 and ignored it; a typo must not resume on the wrong version
        operator().contentType(ContentType.JSON).body("{\"versoin\": \"current\"}")
                .post("/api/v1/runs/" + UUID.randomUUID() + "/resume").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("versoin"));
    }

    @Test
    void anUnknownFieldInASignalOrAnEventIsA400() {
        operator().contentType(ContentType.JSON).body("{\"event\": \"approved\", \"corelationKey\": \"A-1\"}")
                .post("/api/v1/runs/" + UUID.randomUUID() + "/signals").then().statusCode(400)
                .body("errors[0].field", equalTo("corelationKey"));
        operator().contentType(ContentType.JSON).body("{\"name\": \"order.paid\", \"data\": {}}")
                .post("/api/v1/events").then().statusCode(400).body("errors[0].field", equalTo("data"));
    }

    @Test
    void aTextBodyToLaunchIsA415ProblemThatSaysWhatItReads() {
        operator().contentType("text/plain").body("ticket=T-1")
                .post("/api/v1/workflows/strict.any/runs").then().statusCode(415)
                .contentType("application/problem+json")
                .body("title", equalTo("Unsupported Media Type"))
                .body("detail", containsString("application/json"));
    }
}
