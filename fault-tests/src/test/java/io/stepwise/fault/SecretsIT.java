package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret input and a secret object input, sent in a header, written by a log step, used as a
 * correlation key, signaled, and replayed, on the real processes: the target gets the real values,
 * and their bytes are nowhere in Temporal's history, the database or either service's log.
 */
class SecretsIT extends FaultBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SECRETS = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: secrets
            version: "1"
            inputs:
              target: { type: string, required: true }
              token: { type: string, secret: true, required: true }
              creds: { type: object, secret: true, required: true }
            steps:
              - id: call
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: call }
                  headers:
                    Authorization: "Bearer ${{ inputs.token }}"
                    X-Api-Key: "${{ inputs.creds.apiKey }}"
                  timeout: 5s
              - id: say
                uses: log
                with: { message: "calling as ${{ inputs.creds.user }} with ${{ inputs.token }} and ${{ inputs.creds.apiKey }}" }
              - id: echo
                uses: transform
                with: { value: { key: "${{ inputs.creds.apiKey }}", all: "${{ inputs.creds }}" } }
              - id: go
                uses: event.wait
                with:
                  event: go
                  correlationKey: ${{ inputs.creds.user }}
                  timeout: 10m
                  onTimeout: fail
            outputs:
              leaked: ${{ inputs.token }}
              heard: ${{ steps.go.output }}
            """;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void secretBytesAreNowhereButWhereTheyAreUsed() throws Exception {
        String tail = UUID.randomUUID().toString().substring(0, 8);
        String token = "tok-" + tail + "-bearer";
        String user = "user-" + tail + "-ops";
        String apiKey = "key-" + tail + "-api";
        List<String> secrets = List.of(token, user, apiKey);
        stack.writeWorkflow("secrets", SECRETS);
        stack.up();

        String first = stack.launch("secrets", Map.of("target", target.url(), "token", token,
                "creds", Map.of("user", user, "apiKey", apiKey)));
        stack.awaitEventWait(first, Duration.ofSeconds(60));
        assertThat(stack.signal(first, "go", user, Map.of("echo", token))).isEqualTo(202);
        JsonNode done = stack.awaitTerminal(first, Duration.ofSeconds(60));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");

        Stack.Reply replay = stack.call("POST", "/api/v1/runs/" + first + "/replay", null, Map.of());
        assertThat(replay.status()).as(replay.text()).isEqualTo(201);
        String second = replay.body().path("id").asText();
        stack.awaitEventWait(second, Duration.ofSeconds(60));
        // an event finds the wait by its secret correlation key, stored only as a keyed digest
        Stack.Reply event = stack.call("POST", "/api/v1/events",
                Map.of("name", "go", "correlationKey", user, "payload", Map.of("echo", token)), Map.of());
        assertThat(event.status()).as(event.text()).isEqualTo(202);
        assertThat(event.body().path("signaled").toString()).contains(second);
        JsonNode replayed = stack.awaitTerminal(second, Duration.ofSeconds(60));
        assertThat(replayed.path("status").asText()).as(replayed.toString()).isEqualTo("SUCCEEDED");

        // where the secret is used, it is real: the original run and the replay sent the real header
        assertThat(target.authorizations(first, "call")).containsExactly("Bearer " + token);
        assertThat(target.authorizations(second, "call")).containsExactly("Bearer " + token);

        // what the API shows: [REDACTED]
        for (JsonNode doc : List.of(stack.run(first), stack.run(second))) {
            assertThat(doc.at("/inputs/token").asText()).isEqualTo("[REDACTED]");
            assertThat(doc.at("/inputs/creds").asText()).isEqualTo("[REDACTED]");
            assertThat(doc.at("/output/leaked").asText()).isEqualTo("[REDACTED]");
            assertThat(doc.toString()).as("run document").doesNotContain(secrets);
        }
        Stack.Reply audit = stack.call("GET", "/api/v1/runs/" + first + "/events", null, Map.of());
        assertThat(audit.text()).as("audit trail").contains("SIGNALED").doesNotContain(secrets);

        // Temporal's history of both runs, raw bytes: every payload encrypted
        List<History> histories = new ArrayList<>();
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + stack.temporalPort).build());
        try {
            for (String run : List.of(first, second)) {
                History history = history(stubs, "stepwise-run-" + run);
                assertThat(history.getEventsCount()).as("history of " + run).isGreaterThan(10);
                String raw = new String(history.toByteArray(), StandardCharsets.ISO_8859_1);
                assertThat(raw).as("raw history of " + run).doesNotContain(secrets);
                histories.add(history);
            }
        } finally {
            stubs.shutdownNow();
        }

        // the database, every row of every table
        assertThat(dump()).as("database dump").contains(first).doesNotContain(secrets);

        // both services' logs
        for (Stack.Service s : stack.services.values()) {
            assertThat(Files.readString(s.log)).as(s.log.toString()).doesNotContain(secrets);
        }
        assertThat(Files.readString(stack.services.get("worker").log)).as("the log step wrote its line")
                .contains("workflow_log", "calling as [REDACTED] with [REDACTED] and [REDACTED]");

        // the codec endpoint decodes for an admin, and refuses a viewer
        Payload input = histories.get(0).getEvents(0).getWorkflowExecutionStartedEventAttributes()
                .getInput().getPayloads(0);
        Map<String, Object> body = Map.of("payloads", List.of(json(input)));
        Stack.Reply decoded = stack.call("POST", "/api/v1/codec/decode", body, Map.of());
        assertThat(decoded.status()).as(decoded.text()).isEqualTo(200);
        String data = new String(Base64.getDecoder().decode(decoded.body().at("/payloads/0/data").asText()),
                StandardCharsets.UTF_8);
        assertThat(data).contains(token, apiKey, user);
        Stack.Reply refused = stack.call("POST", "/api/v1/codec/decode", body,
                Map.of("Authorization", "Bearer " + stack.token("fault-viewer", "stepwise.viewer", 600)));
        assertThat(refused.status()).as(refused.text()).isEqualTo(403);
        assertThat(refused.text()).doesNotContain(secrets);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aRunStartedUnderTheOldKeyFinishesAndReplaysUnderTheNewOne() throws Exception {
        String token = "tok-" + UUID.randomUUID().toString().substring(0, 8) + "-rotated";
        String user = "user-" + UUID.randomUUID().toString().substring(0, 8);
        stack.writeWorkflow("secrets", SECRETS);
        stack.up();
        String first = stack.launch("secrets", Map.of("target", target.url(), "token", token,
                "creds", Map.of("user", user, "apiKey", "key-rotated-1")));
        stack.awaitEventWait(first, Duration.ofSeconds(60));

        // the keyring gains a newer key; both services restart with it
        for (Stack.Service s : stack.services.values()) {
            s.stop();
        }
        String newKey = stack.rotatePayloadKey();
        stack.startApi();
        stack.startWorker("worker");

        assertThat(stack.signal(first, "go", user, Map.of("echo", "after rotation"))).isEqualTo(202);
        JsonNode done = stack.awaitTerminal(first, Duration.ofSeconds(60));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");

        Stack.Reply replay = stack.call("POST", "/api/v1/runs/" + first + "/replay", null, Map.of());
        assertThat(replay.status()).as(replay.text()).isEqualTo(201);
        String second = replay.body().path("id").asText();
        stack.awaitEventWait(second, Duration.ofSeconds(60));
        assertThat(stack.signal(second, "go", user, Map.of())).isEqualTo(202);
        JsonNode replayed = stack.awaitTerminal(second, Duration.ofSeconds(60));
        assertThat(replayed.path("status").asText()).as(replayed.toString()).isEqualTo("SUCCEEDED");
        // the replay read the secret sealed under the old key and sent the real value
        assertThat(target.authorizations(second, "call")).containsExactly("Bearer " + token);

        try (Connection c = stack.db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text, secret_inputs FROM runs")) {
            Map<String, String> sealed = new java.util.HashMap<>();
            while (rs.next()) {
                sealed.put(rs.getString(1), rs.getString(2));
            }
            assertThat(sealed.get(first)).startsWith("v1:fault-1:");
            assertThat(sealed.get(second)).startsWith("v1:" + newKey + ":");
        }
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + stack.temporalPort).build());
        try {
            Payload started = history(stubs, "stepwise-run-" + second).getEvents(0)
                    .getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);
            assertThat(started.getMetadataOrThrow("encryption-key-id").toStringUtf8()).isEqualTo(newKey);
        } finally {
            stubs.shutdownNow();
        }
    }

    private static Map<String, Object> json(Payload p) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        p.getMetadataMap().forEach((k, v) -> metadata.put(k, Base64.getEncoder().encodeToString(v.toByteArray())));
        return Map.of("metadata", metadata, "data", Base64.getEncoder().encodeToString(p.getData().toByteArray()));
    }

    private static History history(WorkflowServiceStubs stubs, String workflowId) {
        History.Builder all = History.newBuilder();
        com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
        do {
            GetWorkflowExecutionHistoryResponse r = stubs.blockingStub().getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .setNextPageToken(page).build());
            for (HistoryEvent e : r.getHistory().getEventsList()) {
                all.addEvents(e);
            }
            page = r.getNextPageToken();
        } while (!page.isEmpty());
        return all.build();
    }

    /** Every row of every table of the stack's database, as text. */
    private String dump() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = stack.db(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("runs", "steps", "waits", "run_events");
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (rs.next()) {
                        out.writeBytes((table + " " + rs.getString(1) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
