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

/** kill -9 of a workflow-worker: runs continue on the next one (or on the surviving replica). */
class WorkerCrashIT extends FaultBase {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void runsWaitingOnAnEventContinueAfterKillNineWhetherSignaledBeforeOrAfterTheRestart() throws Exception {
        stack.up();
        String before = stack.launch("wait", in("before-1"));
        String after = stack.launch("wait", in("after-1"));
        stack.awaitEventWait(before, Duration.ofSeconds(60));
        stack.awaitEventWait(after, Duration.ofSeconds(60));

        stack.services.get("worker").kill9();
        assertThat(stack.signal(before, "go", "before-1", Map.of("by", "fault"))).isEqualTo(202);
        // with no worker, the waiting run says why it does not move once the dead worker's lease
        // expires (its TTL is 30 s); the signal waits in Temporal meanwhile
        Instant killed = Instant.now();
        JsonNode stuck = stack.run(before);
        while (!stuck.path("stuck").path("reason").asText().startsWith("no worker polls the queue")
                && Duration.between(killed, Instant.now()).toSeconds() < 45) {
            Thread.sleep(500);
            stuck = stack.run(before);
        }
        assertThat(stuck.path("stuck").path("reason").asText()).as("the waiting run with no worker: " + stuck)
                .startsWith("no worker polls the queue").endsWith("start a workflow-worker");

        stack.services.get("worker").start();
        Instant polling = Instant.now();
        assertThat(stack.signal(after, "go", "after-1", Map.of("by", "fault"))).isEqualTo(202);

        JsonNode a = stack.awaitTerminal(before, Duration.ofSeconds(30));
        JsonNode b = stack.awaitTerminal(after, Duration.ofSeconds(30).minus(Duration.between(polling, Instant.now())));
        assertThat(a.path("status").asText()).as("run signaled before the restart: " + a).isEqualTo("SUCCEEDED");
        assertThat(b.path("status").asText()).as("run signaled after the restart: " + b).isEqualTo("SUCCEEDED");
        assertThat(Duration.between(polling, Instant.now())).isLessThanOrEqualTo(Duration.ofSeconds(31));
        for (String id : List.of(before, after)) {
            assertThat(target.hits(id, "before")).as("completed step 'before' of " + id + " ran again").isEqualTo(1);
            assertThat(target.hits(id, "after")).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anHttpStepInFlightWhenTheWorkerIsKilledIsRetriedOnTheNewWorkerAndNoCompletedStepRunsTwice() throws Exception {
        stack.up();
        target.hold("slow");
        String id = stack.launch("inflight", in());
        assertThat(target.awaitArrival("slow", 60)).as("step 'slow' reached the target").isTrue();

        stack.services.get("worker").kill9();
        target.release("slow");
        stack.services.get("worker").start();

        JsonNode doc = stack.awaitTerminal(id, Duration.ofSeconds(60));
        assertThat(doc.path("status").asText()).as("run after the worker was killed mid-request: " + doc)
                .isEqualTo("SUCCEEDED");
        assertThat(target.hits(id, "first")).as("step 'first' (SUCCEEDED before the kill) ran again").isEqualTo(1);
        assertThat(target.hits(id, "slow")).as("the in-flight step was retried").isGreaterThanOrEqualTo(2);
        assertThat(unfinishedSteps(doc)).isEmpty();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoWorkersOfOneOwnerAndOneIsKilledRunsContinue() throws Exception {
        stack.startPostgres();
        stack.startTemporal();
        stack.startApi();
        Map<String, String> owner = Map.of("STEPWISE_WORKER_OWNER", "fault-owner");
        stack.startWorker("worker-a", owner);
        stack.startWorker("worker-b", owner);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(stack.launch("wait", in("pair-" + i)));
        }
        for (String id : ids) {
            stack.awaitEventWait(id, Duration.ofSeconds(60));
        }
        stack.services.get("worker-a").kill9();
        Instant killed = Instant.now();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(stack.signal(ids.get(i), "go", "pair-" + i, Map.of())).isEqualTo(202);
        }
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fresh.add(stack.launch("load", in()));
        }
        List<String> bad = new ArrayList<>();
        for (String id : ids) {
            JsonNode d = stack.awaitTerminal(id, Duration.ofSeconds(60));
            if (!"SUCCEEDED".equals(d.path("status").asText()) || target.hits(id, "before") != 1) {
                bad.add(id + " " + d.path("status").asText() + " before-hits=" + target.hits(id, "before"));
            }
        }
        for (String id : fresh) {
            JsonNode d = stack.awaitTerminal(id, Duration.ofSeconds(30));
            if (!"SUCCEEDED".equals(d.path("status").asText())) {
                bad.add("new run " + id + " " + d.path("status").asText());
            }
        }
        System.out.printf("two workers: all runs settled %d s after the kill%n",
                Duration.between(killed, Instant.now()).toSeconds());
        assertThat(bad).as("runs that did not continue on the surviving worker").isEmpty();
    }
}
