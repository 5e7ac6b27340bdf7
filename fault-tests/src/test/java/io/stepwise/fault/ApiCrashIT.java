package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of the api-server after launches committed and before their Temporal start. */
class ApiCrashIT extends FaultBase {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void launchesCommittedButNotStartedWhenTheApiServerIsKilledStartExactlyOnce() throws Exception {
        stack.up();
        // Temporal away: launches commit their run row, the start cannot happen
        stack.stopTemporal();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Stack.Reply r = stack.call("POST", "/api/v1/workflows/fault.load/runs", Map.of("inputs", in()), Map.of());
            answers.add(r.status() + " " + r.text());
        }
        List<String> ids = new ArrayList<>();
        try (Connection c = stack.db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, status FROM runs")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
                answers.add("row " + rs.getString(1) + " " + rs.getString(2));
            }
        }
        assertThat(ids).as("committed launches while Temporal was away; answers: " + answers).isNotEmpty();

        stack.api().kill9();
        stack.startTemporal();
        stack.startApi();

        List<String> bad = new ArrayList<>();
        for (String id : ids) {
            JsonNode doc = stack.awaitTerminal(id, Duration.ofSeconds(60));
            if (!"SUCCEEDED".equals(doc.path("status").asText()) || target.hits(id, "call") != 1) {
                bad.add(id + " " + doc.path("status").asText() + " hits=" + target.hits(id, "call") + " " + doc);
            }
        }
        assertThat(bad).as("runs that did not start exactly once and complete (launch answers: " + answers + ")")
                .isEmpty();
    }
}
