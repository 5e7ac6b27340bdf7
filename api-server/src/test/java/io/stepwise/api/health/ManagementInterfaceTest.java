package io.stepwise.api.health;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepwise.api.testing.ManagementPort;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestTokens;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Health and metrics live on the management port only: whoever reaches the API (a browser, a
 * tenant, the internet behind a load balancer) cannot read them, even with a token.
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class ManagementInterfaceTest {

    @Test
    void theManagementPortIsNotTheApiPort() {
        assertThat(ManagementPort.port()).isPositive().isNotEqualTo(RestAssured.port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/q/metrics", "/q/health", "/q/health/live", "/q/health/ready"})
    void theApiPortDoesNotServeIt(String path) {
        given().get(path).then().statusCode(404);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).get(path).then().statusCode(404);
    }

    @Test
    void theManagementPortServesMetricsAndHealthWithoutAToken() {
        ManagementPort.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE"));
        ManagementPort.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        ManagementPort.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theManagementPortServesNoApi() {
        ManagementPort.given().auth().oauth2(TestTokens.as("stepwise.admin")).get("/api/v1/workflows")
                .then().statusCode(404);
    }
}
