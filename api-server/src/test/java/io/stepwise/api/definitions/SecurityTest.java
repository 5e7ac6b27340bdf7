package io.stepwise.api.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.stepwise.api.testing.ManagementPort;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.dsl.WorkflowSchema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * API.md's "Security": who may do what with a definition, which tokens are refused, and what is
 * public. Packs used here start with "sec-".
 */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class SecurityTest {
    private static final String VIEWER = "stepwise.viewer";
    private static final String OPERATOR = "stepwise.operator";
    private static final String ADMIN = "stepwise.admin";
    private static final String YAML = "application/yaml";
    private static final String PROBLEM = "application/problem+json";
    /** A workflow that exists (API-managed) so that reads and writes have something to act on. */
    private static final String EXISTING = "sec-fixture.existing";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RequestSpecification as(String role) {
        return given().auth().oauth2(TestTokens.as(role));
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @BeforeEach
    void fixture() {
        Response existing = as(VIEWER).get("/api/v1/workflows/" + EXISTING);
        if (existing.statusCode() == 404) {
            as(ADMIN).contentType(YAML).queryParam("pack", "sec-fixture").body(bytes(TestPacks.workflow("existing", "v1")))
                    .post("/api/v1/workflows").then().statusCode(201);
        }
    }

    private static void assertNoStackTrace(Response response) {
        assertThat(response.asString()).doesNotContain("at io.").doesNotContain("Exception");
    }

    /** 403: the caller is known but lacks the role; the answer says so in problem+json. */
    private static void assertForbidden(Response response) {
        assertNoStackTrace(response);
        response.then().statusCode(403).contentType(startsWith(PROBLEM)).body("status", equalTo(403));
    }

    /** 401: the caller is not known; the answer asks for a bearer token. */
    private static void assertUnauthenticated(Response response) {
        assertNoStackTrace(response);
        response.then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
    }

    private static int currentSeq(String ref) {
        return as(VIEWER).get("/api/v1/workflows/" + ref).then().statusCode(200).extract().path("currentVersion.seq");
    }

    // ---------------------------------------------------------------- reading

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR, ADMIN})
    void everyRoleMayReadDefinitions(String role) {
        as(role).get("/api/v1/workflows").then().statusCode(200).body("items.ref", hasItem(EXISTING));
        as(role).get("/api/v1/workflows/" + EXISTING).then().statusCode(200).body("ref", equalTo(EXISTING));
        as(role).get("/api/v1/workflows/" + EXISTING + "/versions").then().statusCode(200).body("items[0].seq", equalTo(1));
        as(role).get("/api/v1/packs").then().statusCode(200).body("items.name", hasItem("sec-fixture"));
        as(role).get("/api/v1/packs/sec-fixture/workflows").then().statusCode(200).body("items.ref", hasItem(EXISTING));
    }

    @Test
    void aTokenWithoutAStepwiseRoleMayNotEvenRead() {
        String stranger = TestTokens.as("somebody.else");
        assertForbidden(bearer(stranger).get("/api/v1/workflows"));
        assertForbidden(bearer(stranger).get("/api/v1/workflows/" + EXISTING));
        assertForbidden(bearer(stranger).get("/api/v1/packs"));
    }

    // ---------------------------------------------------------------- definition writes: admin only

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR})
    void onlyAdminMayCreate(String role) {
        String pack = "sec-create-" + role.substring("stepwise.".length());
        assertForbidden(as(role).contentType(YAML).queryParam("pack", pack).body(bytes(TestPacks.workflow("denied", "v1")))
                .post("/api/v1/workflows"));

        as(ADMIN).get("/api/v1/workflows/" + pack + ".denied").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR})
    void onlyAdminMayUpdate(String role) {
        int before = currentSeq(EXISTING);

        assertForbidden(as(role).contentType(YAML).body(bytes(TestPacks.workflow("existing", "changed-by-" + role)))
                .put("/api/v1/workflows/" + EXISTING));

        assertThat(currentSeq(EXISTING)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR})
    void onlyAdminMayDelete(String role) {
        assertForbidden(as(role).delete("/api/v1/workflows/" + EXISTING));

        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().statusCode(200).body("status", equalTo("ACTIVE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR})
    void onlyAdminMayValidate(String role) {
        assertForbidden(as(role).contentType(YAML).body(bytes(TestPacks.workflow("check", "v1")))
                .post("/api/v1/workflows/validate"));
    }

    @ParameterizedTest
    @ValueSource(strings = {VIEWER, OPERATOR})
    void onlyAdminMayResync(String role) {
        String pack = "sec-resync-" + role.substring("stepwise.".length());
        TestPacks.write(pack, "pending.yaml", TestPacks.workflow("pending", "v1"));
        try {
            assertForbidden(as(role).post("/api/v1/workflows/resync"));
            assertForbidden(as(role).queryParam("dryRun", true).post("/api/v1/workflows/resync"));

            as(VIEWER).get("/api/v1/workflows/" + pack + ".pending").then().statusCode(404);
        } finally {
            TestPacks.delete(pack, "pending.yaml");
        }
    }

    @Test
    void adminMayDoEverything() {
        as(ADMIN).contentType(YAML).body(bytes(TestPacks.workflow("mine", "v1"))).post("/api/v1/workflows/validate")
                .then().statusCode(200).body("valid", equalTo(true));
        as(ADMIN).contentType(YAML).queryParam("pack", "sec-admin").body(bytes(TestPacks.workflow("mine", "v1")))
                .post("/api/v1/workflows").then().statusCode(201);
        as(ADMIN).contentType(YAML).body(bytes(TestPacks.workflow("mine", "v2"))).put("/api/v1/workflows/sec-admin.mine")
                .then().statusCode(200).body("currentVersion.seq", equalTo(2));
        as(ADMIN).get("/api/v1/workflows/sec-admin.mine/versions").then().statusCode(200).body("items.size()", equalTo(2));
        as(ADMIN).get("/api/v1/packs/sec-admin/workflows").then().statusCode(200).body("items.ref", hasItem("sec-admin.mine"));
        as(ADMIN).queryParam("dryRun", true).post("/api/v1/workflows/resync").then().statusCode(200)
                .body("dryRun", equalTo(true)).body("summary", notNullValue());
        as(ADMIN).delete("/api/v1/workflows/sec-admin.mine").then().statusCode(204);

        as(VIEWER).get("/api/v1/workflows/sec-admin.mine").then().statusCode(200).body("status", equalTo("ARCHIVED"));
    }

    // ---------------------------------------------------------------- tokens that are refused

    @Test
    void noTokenIs401() {
        assertUnauthenticated(given().get("/api/v1/workflows"));
        assertUnauthenticated(given().get("/api/v1/workflows/" + EXISTING));
        assertUnauthenticated(given().get("/api/v1/packs"));
        assertUnauthenticated(given().contentType(YAML).queryParam("pack", "sec-anonymous")
                .body(bytes(TestPacks.workflow("anon", "v1"))).post("/api/v1/workflows"));
        assertUnauthenticated(given().post("/api/v1/workflows/resync"));

        as(VIEWER).get("/api/v1/workflows/sec-anonymous.anon").then().statusCode(404);
    }

    @Test
    void expiredTokenIs401() {
        assertUnauthenticated(bearer(TestTokens.expired(ADMIN)).get("/api/v1/workflows"));
        assertUnauthenticated(bearer(TestTokens.expired(ADMIN)).delete("/api/v1/workflows/" + EXISTING));

        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().body("status", equalTo("ACTIVE"));
    }

    @Test
    void tamperedTokenIs401AndGainsNothing() {
        // a viewer token whose payload was edited to claim admin
        assertUnauthenticated(bearer(TestTokens.tampered()).get("/api/v1/workflows"));
        assertUnauthenticated(bearer(TestTokens.tampered()).contentType(YAML).queryParam("pack", "sec-tampered")
                .body(bytes(TestPacks.workflow("forged", "v1"))).post("/api/v1/workflows"));

        as(VIEWER).get("/api/v1/workflows/sec-tampered.forged").then().statusCode(404);
    }

    @Test
    void tokenFromAnotherIssuerIs401() {
        assertUnauthenticated(bearer(TestTokens.wrongIssuer(ADMIN)).get("/api/v1/workflows"));
        assertUnauthenticated(bearer(TestTokens.wrongIssuer(ADMIN)).delete("/api/v1/workflows/" + EXISTING));

        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().body("status", equalTo("ACTIVE"));
    }

    @Test
    void tokenForAnotherAudienceIs401AndProblemJson() {
        for (String token : List.of(TestTokens.wrongAudience(ADMIN), TestTokens.withoutAudience(ADMIN))) {
            Response response = bearer(token).get("/api/v1/workflows");
            assertUnauthenticated(response);
            response.then().contentType(startsWith(PROBLEM)).body("status", equalTo(401));
            assertUnauthenticated(bearer(token).delete("/api/v1/workflows/" + EXISTING));
        }

        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().body("status", equalTo("ACTIVE"));
    }

    @Test
    void tokenIssuedLongerAgoThanTheMaximumAgeIs401EvenBeforeItExpires() {
        Response response = bearer(TestTokens.issuedTooLongAgo(ADMIN)).get("/api/v1/workflows");
        assertUnauthenticated(response);
        response.then().contentType(startsWith(PROBLEM)).body("status", equalTo(401));
        assertUnauthenticated(bearer(TestTokens.issuedTooLongAgo(ADMIN)).delete("/api/v1/workflows/" + EXISTING));

        // the boundary is the age, not the lifetime: 23 h old is still accepted
        bearer(TestTokens.issuedWithinTheMaximumAge(VIEWER)).get("/api/v1/workflows").then().statusCode(200);
        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().body("status", equalTo("ACTIVE"));
    }

    @Test
    void unsignedTokenWithAlgNoneIs401() {
        assertUnauthenticated(bearer(TestTokens.unsigned(ADMIN)).get("/api/v1/workflows"));
        assertUnauthenticated(bearer(TestTokens.unsigned(ADMIN)).contentType(YAML).queryParam("pack", "sec-unsigned")
                .body(bytes(TestPacks.workflow("forged", "v1"))).post("/api/v1/workflows"));

        as(VIEWER).get("/api/v1/workflows/sec-unsigned.forged").then().statusCode(404);
    }

    @Test
    void tokenSignedWithAnotherKeyIs401() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String foreign = Jwt.issuer(StepwiseTestResource.ISSUER).audience(StepwiseTestResource.AUDIENCE)
                .subject("mallory").groups(Set.of(ADMIN))
                .expiresIn(3600).sign(generator.generateKeyPair().getPrivate());

        assertUnauthenticated(bearer(foreign).get("/api/v1/workflows"));
        assertUnauthenticated(bearer(foreign).delete("/api/v1/workflows/" + EXISTING));

        as(VIEWER).get("/api/v1/workflows/" + EXISTING).then().body("status", equalTo("ACTIVE"));
    }

    @Test
    void unauthenticatedAnswersAreProblemJson() {
        for (Response response : List.of(given().get("/api/v1/workflows"),
                bearer(TestTokens.expired(ADMIN)).get("/api/v1/workflows"),
                bearer(TestTokens.unsigned(ADMIN)).get("/api/v1/workflows"))) {
            response.then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"))
                    .contentType(startsWith(PROBLEM)).body("status", equalTo(401)).body("title", notNullValue());
        }
    }

    @Test
    void garbageInTheAuthorizationHeaderIs401() {
        for (String token : List.of("not-a-jwt", "a.b.c", "")) {
            Response response = bearer(token).get("/api/v1/workflows");
            assertThat(response.statusCode()).as("token '%s'", token).isEqualTo(401);
            assertNoStackTrace(response);
        }
        Response basic = given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/v1/workflows");
        assertThat(basic.statusCode()).isEqualTo(401);
    }

    @Test
    void anEndpointWithoutARoleAnnotationIsClosedToEveryone() {
        // io.stepwise.api.testing.UnannotatedResource: @GET with no @RolesAllowed, @PermitAll or @DenyAll
        String path = "/api/v1/test-only/unannotated";
        Response anonymous = given().get(path);
        assertUnauthenticated(anonymous);
        anonymous.then().contentType(startsWith(PROBLEM));
        for (String role : List.of(VIEWER, OPERATOR, ADMIN)) {
            Response response = as(role).get(path);
            assertForbidden(response);
            assertThat(response.asString()).doesNotContain("anyone may read this");
        }
    }

    // ---------------------------------------------------------------- public endpoints

    @Test
    void healthNeedsNoTokenOnTheManagementPort() {
        ManagementPort.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        ManagementPort.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theWorkflowSchemaNeedsNoToken() throws Exception {
        Response anonymous = given().get("/api/v1/schema/workflow.json");
        anonymous.then().statusCode(200).contentType(startsWith("application/schema+json"));
        JsonNode schema = new ObjectMapper().readTree(anonymous.asString());
        assertThat(schema.path("$id").asText()).isEqualTo(WorkflowSchema.ID);
        assertThat(schema.path("$schema").asText()).isEqualTo(WorkflowSchema.DIALECT);
        assertThat(schema.at("/$defs/action/enum").toString()).contains("\"http.request\"", "\"event.wait\"");
        // the actions the server reads definitions with, as generated (computed once, same text each time)
        assertThat(anonymous.asString()).isEqualTo(WorkflowSchema.render(new WorkflowParser().actions()));
        assertThat(given().get("/api/v1/schema/workflow.json").asString()).isEqualTo(anonymous.asString());
        // an editor that asks for plain JSON gets the same schema, not a 406
        given().accept("application/json").get("/api/v1/schema/workflow.json").then().statusCode(200)
                .contentType(startsWith("application/json"));
        given().accept("text/html").get("/api/v1/schema/workflow.json").then().statusCode(406);
        // a token changes nothing
        Response viewer = as(VIEWER).get("/api/v1/schema/workflow.json");
        viewer.then().statusCode(200);
        assertThat(viewer.asString()).isEqualTo(anonymous.asString());
    }

    @Test
    void openApiIsServedAndListsTheDefinitionEndpoints() {
        Response openapi = given().accept("application/json").queryParam("format", "json").get("/q/openapi");
        openapi.then().statusCode(200).body("info.title", equalTo("Stepwise API"));

        Map<String, Map<String, Object>> paths = openapi.path("paths");
        assertThat(paths).containsKeys("/api/v1/workflows", "/api/v1/workflows/{ref}", "/api/v1/workflows/{ref}/versions",
                "/api/v1/workflows/validate", "/api/v1/workflows/resync", "/api/v1/packs", "/api/v1/packs/{pack}/workflows");
        assertThat(paths.get("/api/v1/workflows")).containsKeys("get", "post");
        assertThat(paths.get("/api/v1/workflows/{ref}")).containsKeys("get", "put", "delete");

        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/workflows"));
        openapi.then().body("paths", hasKey("/api/v1/workflows/resync"));
    }
}
