package io.stepwise.api.runs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.stepwise.api.testing.StepwiseTestResource;
import io.stepwise.api.testing.TestPacks;
import io.stepwise.api.testing.TestTokens;
import io.stepwise.api.testing.TestWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.stepwise.api.testing.TestRuns.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** What PostgreSQL holds of a secret input: [REDACTED] in inputs, the raw value only sealed (docs/security.md). */
@QuarkusTest
@QuarkusTestResource(value = StepwiseTestResource.class, restrictToAnnotatedClass = false)
class SecretsAtRestTest {
    @Inject
    DataSource db;
    @Inject
    SecretInputsBackfill backfill;

    @BeforeEach
    void pack() {
        TestWorker.ensureStarted(db);
        TestPacks.write("rest", "echo.yaml", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: echo
                inputs:
                  who: { type: string }
                  token: { type: string, secret: true }
                steps:
                  - id: say
                    uses: transform
                    with: { value: "${{ inputs.who }} has ${{ inputs.token }}" }
                outputs:
                  said: ${{ steps.say.output }}
                """);
        given().auth().oauth2(TestTokens.as("stepwise.admin")).post("/api/v1/workflows/resync").then().statusCode(200);
    }

    private String launch(String token) {
        return given().auth().oauth2(TestTokens.as("stepwise.operator")).contentType(ContentType.JSON)
                .body("{\"inputs\": {\"who\": \"ann\", \"token\": \"" + token + "\"}}")
                .post("/api/v1/workflows/rest.echo/runs").then().statusCode(201).extract().path("id");
    }

    private String column(String sql, String id) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, UUID.fromString(id));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void theRawValueIsStoredOnlySealedAndOutputsAreRedactedWhenWritten() throws Exception {
        String token = "tok-" + UUID.randomUUID();
        String run = launch(token);
        assertThat(waitFor(run, "SUCCEEDED")).isTrue();

        assertThat(column("SELECT inputs::text FROM runs WHERE id = ?", run))
                .contains("\"who\": \"ann\"", "[REDACTED]").doesNotContain(token);
        assertThat(column("SELECT secret_inputs FROM runs WHERE id = ?", run)).startsWith("v1:test-1:")
                .doesNotContain(token);
        // written redacted by the interpreter, not only shown redacted by the API
        assertThat(column("SELECT output::text FROM steps WHERE run_id = ? AND path = 'say'", run))
                .isEqualTo("\"ann has [REDACTED]\"");
        String sealed = column("SELECT output_sealed FROM steps WHERE run_id = ? AND path = 'say'", run);
        assertThat(sealed).startsWith("v1:").doesNotContain(token);
        assertThat(io.stepwise.bootstrap.testing.TestKeys.keyring().openText(sealed))
                .as("what a resume hands on").isEqualTo("\"ann has " + token + "\"");
        assertThat(column("SELECT output::text FROM runs WHERE id = ?", run)).contains("ann has [REDACTED]")
                .doesNotContain(token);

        // a replay without inputs gets the real value back from the sealed column
        String replay = given().auth().oauth2(TestTokens.as("stepwise.operator"))
                .post("/api/v1/runs/" + run + "/replay").then().statusCode(201).extract().path("id");
        assertThat(waitFor(replay, "SUCCEEDED")).isTrue();
        assertThat(column("SELECT output_sealed FROM steps WHERE run_id = ? AND path = 'say'", replay)).isNotNull();
    }

    @Test
    void aRunStoredBeforeSealingIsSealedByTheBackfill() throws Exception {
        String token = "tok-" + UUID.randomUUID();
        String run = launch(token);
        assertThat(waitFor(run, "SUCCEEDED")).isTrue();
        // as the version before this one wrote it: raw inputs, raw step and run outputs
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE runs SET inputs = CAST(? AS jsonb), secret_inputs = NULL, output = CAST(? AS jsonb) WHERE id = ?")) {
                s.setString(1, "{\"who\": \"ann\", \"token\": \"" + token + "\"}");
                s.setString(2, "{\"said\": \"ann has " + token + "\"}");
                s.setObject(3, UUID.fromString(run));
                assertThat(s.executeUpdate()).isOne();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE steps SET output = CAST(? AS jsonb), output_sealed = NULL "
                    + "WHERE run_id = ? AND path = 'say'")) {
                s.setString(1, "\"ann has " + token + "\"");
                s.setObject(2, UUID.fromString(run));
                assertThat(s.executeUpdate()).isOne();
            }
        }

        assertThat(backfill.run()).isGreaterThanOrEqualTo(1);

        assertThat(column("SELECT inputs::text FROM runs WHERE id = ?", run)).doesNotContain(token);
        assertThat(column("SELECT secret_inputs FROM runs WHERE id = ?", run)).startsWith("v1:");
        assertThat(column("SELECT output::text FROM runs WHERE id = ?", run)).contains("ann has [REDACTED]")
                .doesNotContain(token);
        assertThat(column("SELECT output::text FROM steps WHERE run_id = ? AND path = 'say'", run))
                .isEqualTo("\"ann has [REDACTED]\"");
        assertThat(io.stepwise.bootstrap.testing.TestKeys.keyring().openText(
                column("SELECT output_sealed FROM steps WHERE run_id = ? AND path = 'say'", run)))
                .as("the raw output, sealed for a resume").isEqualTo("\"ann has " + token + "\"");
        assertThat(backfill.run()).as("nothing left to seal").isZero();
        given().auth().oauth2(TestTokens.as("stepwise.viewer")).get("/api/v1/runs/" + run).then()
                .body("inputs.token", equalTo("[REDACTED]")).body("inputs.who", equalTo("ann"));
    }
}
