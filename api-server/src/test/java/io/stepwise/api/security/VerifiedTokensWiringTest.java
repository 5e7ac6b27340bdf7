package io.stepwise.api.security;

import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The api-server's token checks go through {@link VerifiedTokens}: a repeated token is not verified again. */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class VerifiedTokensWiringTest {
    @Inject
    JWTParser parser;

    @Test
    void theValidatorParsesThroughVerifiedTokens() throws Exception {
        assertThat(ClientProxy.unwrap(parser)).isInstanceOf(VerifiedTokens.class);
        String token = TestTokens.as("stepwise.viewer");
        given().auth().oauth2(token).get("/api/v1/workflows").then().statusCode(200);
        given().auth().oauth2(token).get("/api/v1/workflows").then().statusCode(200);
        // what the validator got for this token is what was remembered for it
        assertThat(parser.parse(token)).isSameAs(parser.parse(token));
        given().auth().oauth2(TestTokens.tampered()).get("/api/v1/workflows").then().statusCode(401);
    }
}
