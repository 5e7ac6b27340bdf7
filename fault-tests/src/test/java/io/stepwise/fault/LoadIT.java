package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Load through the REST API from concurrent clients while a reader follows every run's document. */
class LoadIT extends FaultBase {

    /** Launches {@code total} runs of fault.load from {@code clients} threads while one reader GETs each run's
     *  document until it is terminal; returns the last document of every run. */
    Map<String, JsonNode> launchAndFollow(int total, int clients, Duration limit) throws Exception {
        LinkedBlockingQueue<String> launched = new LinkedBlockingQueue<>();
        Map<String, JsonNode> finals = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        Instant end = Instant.now().plus(limit);
        try {
            List<Future<?>> launchers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                launchers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < total) {
                        launched.add(stack.launch("load", in()));
                    }
                    return null;
                }));
            }
            Future<?> reader = pool.submit(() -> {
                List<String> open = new ArrayList<>();
                while (finals.size() < total && Instant.now().isBefore(end)) {
                    launched.drainTo(open);
                    for (var it = open.iterator(); it.hasNext(); ) {
                        String id = it.next();
                        JsonNode doc = stack.run(id);
                        if (Stack.terminal(doc.path("status").asText())) {
                            finals.put(id, doc);
                            it.remove();
                        }
                    }
                    Thread.sleep(100);
                }
                return null;
            });
            for (Future<?> f : launchers) {
                f.get(limit.toSeconds(), TimeUnit.SECONDS);
            }
            reader.get(Math.max(1, Duration.between(Instant.now(), end).toSeconds() + 5), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        return finals;
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void threeHundredRunsFromSixteenClientsAllSucceed() throws Exception {
        stack.up();
        Instant t0 = Instant.now();
        Map<String, JsonNode> finals = launchAndFollow(300, 16, Duration.ofMinutes(5));
        System.out.printf("load: 300 runs terminal in %d s%n", Duration.between(t0, Instant.now()).toSeconds());
        assertThat(finals).hasSize(300);
        List<String> notSucceeded = new ArrayList<>();
        List<String> wrongHits = new ArrayList<>();
        finals.forEach((id, doc) -> {
            if (!"SUCCEEDED".equals(doc.path("status").asText())) {
                notSucceeded.add(id + " " + doc.path("status").asText() + " " + doc.path("error"));
            }
            if (target.hits(id, "call") != 1) {
                wrongHits.add(id + " hit " + target.hits(id, "call") + " times");
            }
        });
        assertThat(notSucceeded).as("runs that did not succeed").isEmpty();
        assertThat(wrongHits).as("http.request steps not hit exactly once").isEmpty();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void twoSecondsOfLatencyOnEveryProjectionWriteFailsNoRunAndDocumentsCatchUp() throws Exception {
        stack.up();
        try (Connection c = stack.db(); Statement s = c.createStatement()) {
            // 2 s once per projection transaction (a batch touches steps and waits several times)
            s.execute("CREATE OR REPLACE FUNCTION fault_slow_projection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF current_setting('fault.slept', true) IS DISTINCT FROM txid_current()::text THEN "
                    + "PERFORM set_config('fault.slept', txid_current()::text, true); PERFORM pg_sleep(2); END IF; "
                    + "RETURN NULL; END $$");
            s.execute("CREATE TRIGGER fault_slow_projection AFTER INSERT OR UPDATE ON steps "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION fault_slow_projection()");
            s.execute("CREATE TRIGGER fault_slow_projection AFTER INSERT OR UPDATE ON waits "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION fault_slow_projection()");
        }
        Map<String, JsonNode> finals = launchAndFollow(20, 4, Duration.ofMinutes(5));
        assertThat(finals).hasSize(20);
        List<String> notSucceeded = new ArrayList<>();
        finals.forEach((id, doc) -> {
            if (!"SUCCEEDED".equals(doc.path("status").asText())) {
                notSucceeded.add(id + " " + doc.path("status").asText() + " " + doc.path("error"));
            }
        });
        assertThat(notSucceeded).as("runs that did not succeed with a slow projection").isEmpty();
        // the documents catch up: every step row final, with the latency still in place
        Stack.waitUntil(Duration.ofMinutes(2), "every step row of the 20 runs final", () -> {
            for (String id : finals.keySet()) {
                JsonNode doc = stack.run(id);
                if (doc.path("steps").size() < 4 || !unfinishedSteps(doc).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        for (String id : finals.keySet()) {
            assertThat(target.hits(id, "call")).as("hits of run " + id).isEqualTo(1);
        }
    }
}
