package io.stepwise.core.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cr3t-t0ken-42";

    private static final WorkflowDefinition WITH_SECRETS = load("""
            apiVersion: stepwise/v1
            kind: Workflow
            name: secrets
            inputs:
              ticketId: { type: string }
              apiToken: { type: string, secret: true }
              pin:      { type: integer, secret: true }
              short:    { type: string, secret: true }
            steps:
              - id: a
                uses: noop
            """);

    private static final WorkflowDefinition WITHOUT_SECRETS = load("""
            apiVersion: stepwise/v1
            kind: Workflow
            name: plain
            inputs:
              ticketId: { type: string }
              apiToken: { type: string }
            steps:
              - id: a
                uses: noop
            """);

    private static WorkflowDefinition load(String yaml) {
        LoadResult result = new WorkflowParser().parse(yaml);
        assertThat(result.violations()).isEmpty();
        return result.definition();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static JsonNode inputs() {
        return json("{\"ticketId\": \"T-1\", \"apiToken\": \"" + TOKEN + "\", \"pin\": 918273, \"short\": \"abc\"}");
    }

    private static Redactor redactor() {
        return Redactor.forRun(WITH_SECRETS, inputs());
    }

    @Test
    void secretInputsAreReplacedInRedactInputs() {
        JsonNode shown = redactor().redactInputs(inputs());
        assertThat(shown.get("apiToken").textValue()).isEqualTo("[REDACTED]");
        assertThat(shown.get("pin").textValue()).isEqualTo("[REDACTED]");
        assertThat(shown.get("short").textValue()).isEqualTo("[REDACTED]");
        assertThat(shown.get("ticketId").textValue()).isEqualTo("T-1");
        assertThat(shown.toString()).doesNotContain(TOKEN).doesNotContain("918273");
    }

    @Test
    void aNonSecretInputHoldingTheSecretIsRedactedToo() {
        JsonNode given = json("{\"ticketId\": \"copy of " + TOKEN + "\", \"apiToken\": \"" + TOKEN + "\"}");
        JsonNode shown = Redactor.forRun(WITH_SECRETS, given).redactInputs(given);
        assertThat(shown.get("ticketId").textValue()).isEqualTo("copy of [REDACTED]");
    }

    @Test
    void aSecretInputThatWasNotGivenIsNotInvented() {
        JsonNode given = json("{\"ticketId\": \"T-1\", \"apiToken\": null}");
        JsonNode shown = Redactor.forRun(WITH_SECRETS, given).redactInputs(given);
        assertThat(shown.has("pin")).isFalse();
        assertThat(shown.get("apiToken").isNull()).isTrue();
        assertThat(shown.get("ticketId").textValue()).isEqualTo("T-1");
    }

    @Test
    void aStepOutputHoldingTheSecretIsRedactedExactAndEmbedded() {
        JsonNode output = json("""
                {"status": 200,
                 "headers": {"Authorization": "Bearer %1$s", "X-Echo": "%1$s"},
                 "body": {"token": "%1$s", "list": ["%1$s", "ok", "a %1$s b %1$s"], "ticket": "T-1"}}"""
                .formatted(TOKEN));
        JsonNode shown = redactor().redact(output);
        assertThat(shown).isEqualTo(json("""
                {"status": 200,
                 "headers": {"Authorization": "Bearer [REDACTED]", "X-Echo": "[REDACTED]"},
                 "body": {"token": "[REDACTED]", "list": ["[REDACTED]", "ok", "a [REDACTED] b [REDACTED]"],
                          "ticket": "T-1"}}"""));
        assertThat(shown.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aNumericSecretIsRedactedAsANumberAndInsideText() {
        JsonNode shown = redactor().redact(json("{\"pin\": 918273, \"msg\": \"your pin is 918273\", \"other\": 918274}"));
        assertThat(shown.get("pin").textValue()).isEqualTo("[REDACTED]");
        assertThat(shown.get("msg").textValue()).isEqualTo("your pin is [REDACTED]");
        assertThat(shown.get("other").intValue()).isEqualTo(918274);
    }

    @Test
    void aShortSecretIsRedactedWhenItIsTheWholeValue() {
        JsonNode shown = redactor().redact(json("{\"code\": \"abc\", \"list\": [\"abc\"]}"));
        assertThat(shown.get("code").textValue()).isEqualTo("[REDACTED]");
        assertThat(shown.get("list").get(0).textValue()).isEqualTo("[REDACTED]");
        assertThat(redactor().redact("abc")).isEqualTo("[REDACTED]");
    }

    @Test
    void nonSecretValuesAreUntouched() {
        JsonNode output = json("""
                {"status": 200, "ok": true, "none": null, "ratio": 0.5,
                 "body": {"id": "T-1", "tokens": ["s3cr3t", "t0ken-42"], "nested": [{"a": "b"}]}}""");
        JsonNode shown = redactor().redact(output);
        assertThat(shown).isEqualTo(output);
        assertThat(redactor().redact("GET /tickets/T-1 -> 200")).isEqualTo("GET /tickets/T-1 -> 200");
    }

    @Test
    void theInputTreeIsNotMutated() {
        JsonNode output = json("{\"headers\": {\"Authorization\": \"Bearer " + TOKEN + "\"}, \"list\": [\"" + TOKEN + "\"]}");
        JsonNode outputBefore = output.deepCopy();
        JsonNode given = inputs();
        JsonNode givenBefore = given.deepCopy();

        JsonNode shownOutput = redactor().redact(output);
        JsonNode shownInputs = redactor().redactInputs(given);

        assertThat(output).isEqualTo(outputBefore);
        assertThat(given).isEqualTo(givenBefore);
        assertThat(shownOutput).isNotEqualTo(output);
        assertThat(shownInputs).isNotEqualTo(given);
    }

    @Test
    void logLinesAreRedacted() {
        Redactor r = redactor();
        assertThat(r.redact("calling https://x/?token=" + TOKEN + " with Bearer " + TOKEN))
                .isEqualTo("calling https://x/?token=[REDACTED] with Bearer [REDACTED]");
        assertThat(r.redact(TOKEN)).isEqualTo("[REDACTED]");
        assertThat(r.redact("pin=918273;")).isEqualTo("pin=[REDACTED];");
        assertThat(r.redact("nothing secret here")).isEqualTo("nothing secret here");
        assertThat(r.redact((String) null)).isNull();
    }

    @Test
    void aSecretContainingAnotherIsRedactedWhole() {
        WorkflowDefinition def = load("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: overlap
                inputs:
                  user: { type: string, secret: true }
                  password: { type: string, secret: true }
                steps:
                  - id: a
                    uses: noop
                """);
        Redactor r = Redactor.forRun(def, json("{\"user\": \"admin\", \"password\": \"admin-pass-99\"}"));
        assertThat(r.redact("login admin-pass-99 as admin")).isEqualTo("login [REDACTED] as [REDACTED]");
    }

    @Test
    void aWorkflowWithoutSecretsReturnsValuesUnchanged() {
        JsonNode given = json("{\"ticketId\": \"T-1\", \"apiToken\": \"" + TOKEN + "\"}");
        Redactor r = Redactor.forRun(WITHOUT_SECRETS, given);
        assertThat(r.redactInputs(given)).isEqualTo(given);
        JsonNode output = json("{\"auth\": \"Bearer " + TOKEN + "\"}");
        assertThat(r.redact(output)).isEqualTo(output);
        assertThat(r.redact("Bearer " + TOKEN)).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void secretNamesAreKnownEvenBeforeValuesAre() {
        // a run launched without the secret: nothing to cut from text, but the field is still hidden if it appears
        Redactor r = Redactor.forRun(WITH_SECRETS, json("{\"ticketId\": \"T-1\"}"));
        JsonNode later = json("{\"ticketId\": \"T-1\", \"apiToken\": \"typed-later\"}");
        assertThat(r.redactInputs(later).get("apiToken").textValue()).isEqualTo("[REDACTED]");
        assertThat(r.redact("T-1")).isEqualTo("T-1");
    }

    @Test
    void aSecretUsedAsAnObjectKeyIsRedacted() {
        JsonNode output = json("{\"sessions\": {\"" + TOKEN + "\": {\"user\": \"kim\"}}}");
        assertThat(redactor().redact(output).toString()).doesNotContain(TOKEN);
    }

    /** Lower-case secrets so that the marker "[REDACTED]" itself can never spell one. */
    @Property(tries = 500)
    void aSecretOfFourOrMoreCharactersNeverSurvivesInText(
            @ForAll @CharRange(from = 'a', to = 'z') @StringLength(min = 4, max = 24) String secret,
            @ForAll @StringLength(max = 40) String before, @ForAll @StringLength(max = 40) String after) {
        Redactor r = Redactor.forRun(WITH_SECRETS, JSON.createObjectNode().put("apiToken", secret));
        String line = before + secret + after + secret;
        assertThat(r.redact(line)).doesNotContain(secret).contains("[REDACTED]");
        JsonNode tree = JSON.createObjectNode().put("v", line);
        assertThat(r.redact(tree).get("v").textValue()).doesNotContain(secret);
    }

    @Test
    void everyValueInsideASecretObjectOrListIsASecret() {
        WorkflowDefinition objects = load("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: objects
                inputs:
                  creds: { type: object, secret: true }
                  tokens: { type: array, secret: true }
                steps:
                  - id: a
                    uses: noop
                """);
        JsonNode given = json("{\"creds\": {\"user\": \"operator-bob\", \"password\": \"pa55-word\"},"
                + " \"tokens\": [\"tok-one-1\", {\"nested\": \"tok-two-2\"}]}");
        Redactor redactor = Redactor.forRun(objects, given);
        JsonNode out = redactor.redact(json("{\"header\": \"Basic pa55-word\", \"key\": \"operator-bob\","
                + " \"list\": [\"tok-one-1\", \"x tok-two-2 y\"], \"field\": \"user\"}"));
        assertThat(out.toString()).doesNotContain("pa55-word", "operator-bob", "tok-one-1", "tok-two-2");
        assertThat(out.get("field").textValue()).as("a field name of the secret object is no secret").isEqualTo("user");
        assertThat(redactor.redact("creds=" + given.get("creds"))).isEqualTo("creds=[REDACTED]");
        assertThat(redactor.redactInputs(given).toString()).doesNotContain("pa55-word", "tok-one-1");
    }
}
