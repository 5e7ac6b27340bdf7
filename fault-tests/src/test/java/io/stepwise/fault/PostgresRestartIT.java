package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded PostgreSQL closed and started again (same data dir and port) while 50 runs wait. */
class PostgresRestartIT extends FaultBase {

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void fiftyActiveRunsCompleteWithCompleteProjectionsAfterAPostgresRestart() throws Exception {
        stack.up();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(stack.launch("wait", in("pg-" + i)));
        }
        for (String id : events) {
            stack.awaitEventWait(id, Duration.ofSeconds(90));
        }
        List<String> timers = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            timers.add(stack.launch("timer", in()));
        }
        for (String id : timers) {
            JsonNode d = stack.awaitStatus(id, "WAITING", Duration.ofSeconds(30));
            assertThat(d.path("status").asText()).as("timer run " + id + " waiting: " + d).isEqualTo("WAITING");
        }

        Instant down = Instant.now();
        stack.stopPostgres();
        Thread.sleep(3000);
        stack.startPostgres();
        System.out.printf("postgres was down %d ms%n", Duration.between(down, Instant.now()).toMillis());

        // the api-server may need a moment to get a working connection again: retry each signal (bounded)
        for (int i = 0; i < events.size(); i++) {
            String id = events.get(i);
            String key = "pg-" + i;
            Stack.waitUntil(Duration.ofSeconds(30), "signal to " + id + " accepted",
                    () -> stack.signal(id, "go", key, Map.of()) == 202);
        }
        List<String> all = new ArrayList<>(events);
        all.addAll(timers);
        List<String> bad = new ArrayList<>();
        for (String id : all) {
            JsonNode doc = stack.awaitTerminal(id, Duration.ofSeconds(90));
            if (!"SUCCEEDED".equals(doc.path("status").asText())) {
                bad.add(id + " " + doc.path("status").asText() + " " + doc.path("error"));
            }
        }
        assertThat(bad).as("runs that did not complete after the PostgreSQL restart").isEmpty();
        // every projection complete: step rows final, no WAITING waits
        Stack.waitUntil(Duration.ofSeconds(60), "every projection of the 50 runs complete", () -> {
            for (String id : all) {
                JsonNode doc = stack.run(id);
                if (!unfinishedSteps(doc).isEmpty() || !openWaits(doc).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        for (String id : all) {
            assertThat(target.hits(id, "after")).as("step 'after' of " + id).isEqualTo(1);
        }
    }
}
