package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay's inputs: what the caller names replaces the stored value; the rest, secrets included, stay. */
class ReplayOverlayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void noInputsKeepsTheStoredOnes() throws Exception {
        JsonNode stored = json("{\"ticket\": \"T-1\", \"token\": \"s3cret\"}");
        assertThat(RunLauncher.overlay(stored, null)).isEqualTo(stored);
        assertThat(RunLauncher.overlay(stored, JSON.nullNode())).isEqualTo(stored);
    }

    @Test
    void aNamedInputReplacesOnlyItselfAndNullRemovesOne() throws Exception {
        JsonNode stored = json("{\"ticket\": \"T-1\", \"token\": \"s3cret\", \"note\": \"x\"}");
        JsonNode merged = RunLauncher.overlay(stored, json("{\"ticket\": \"T-2\", \"note\": null}"));
        assertThat(merged).isEqualTo(json("{\"ticket\": \"T-2\", \"token\": \"s3cret\"}"));
        assertThat(stored.get("ticket").asText()).as("the stored inputs are not changed").isEqualTo("T-1");
    }

    @Test
    void inputsThatAreNotAnObjectGoOnToBeRefusedByValidation() throws Exception {
        JsonNode given = json("[1, 2]");
        assertThat(RunLauncher.overlay(json("{\"a\": 1}"), given)).isEqualTo(given);
    }
}
