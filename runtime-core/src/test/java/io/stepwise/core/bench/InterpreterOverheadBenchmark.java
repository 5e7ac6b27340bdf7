package io.stepwise.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.HttpRequestAction;
import io.stepwise.core.runtime.ActionActivities;
import io.stepwise.core.runtime.ActionActivitiesImpl;
import io.stepwise.core.runtime.AuthoredWorkflow;
import io.stepwise.core.runtime.AuthoredWorkflowImpl;
import io.stepwise.core.runtime.DefinitionActivities;
import io.stepwise.core.runtime.ProjectionChange;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RunProjection;
import io.stepwise.core.runtime.RunProjectionHandler;
import io.stepwise.core.runtime.RunResult;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.dsl.WorkflowParser;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Issue 3's benchmark: N runs of a 5-step authored workflow (3 no-op activities, a transform, an
 * http.request to a local server) against the same work written by hand as a Temporal workflow
 * calling the same activities, on one test server and one worker, in one process. Prints both
 * throughputs and the ratio. Run with deploy/bench/interpreter-overhead.sh [N] [rounds] [write latency ms]:
 * a latency holds every projection call that long, as a slow or busy database would.
 */
public final class InterpreterOverheadBenchmark {
    static final String TASK_QUEUE = "bench";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The same work, by hand. */
    @WorkflowInterface
    public interface HandWritten {
        @WorkflowMethod(name = "BenchHandWritten")
        JsonNode run(String runId, String url);
    }

    public static class HandWrittenImpl implements HandWritten {
        private final ActionActivities actions = Workflow.newActivityStub(ActionActivities.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

        @Override
        public JsonNode run(String runId, String url) {
            ObjectNode noop = JsonNodeFactory.instance.objectNode().put("value", 1);
            actions.execute(new ActionActivities.Invocation(runId, "a", 1, "sample.echo", noop));
            actions.execute(new ActionActivities.Invocation(runId, "b", 1, "sample.echo", noop));
            ObjectNode http = JsonNodeFactory.instance.objectNode().put("method", "GET").put("url", url);
            JsonNode fetched = actions.execute(new ActionActivities.Invocation(runId, "fetch", 1, "http.request", http)).output();
            ObjectNode shaped = JsonNodeFactory.instance.objectNode().put("owner", fetched.path("body").path("owner").asText());
            actions.execute(new ActionActivities.Invocation(runId, "c", 1, "sample.echo", shaped));
            return shaped;
        }
    }

    /** The interpreter with projection writes as local activities only. */
    public static class LocalProjectionImpl extends AuthoredWorkflowImpl {
        public LocalProjectionImpl() {
            super(ProjectionPath.LOCAL);
        }
    }

    /** The interpreter with projection writes as ordinary activities only. */
    public static class ActivityProjectionImpl extends AuthoredWorkflowImpl {
        public ActivityProjectionImpl() {
            super(ProjectionPath.ACTIVITY);
        }
    }

    /** The class that runs each path; the default interpreter takes the fast path first. */
    private static Class<?> implementation(AuthoredWorkflowImpl.ProjectionPath path) {
        return switch (path) {
            case LOCAL -> LocalProjectionImpl.class;
            case ACTIVITY -> ActivityProjectionImpl.class;
            case FAST_THEN_ACTIVITY -> AuthoredWorkflowImpl.class;
        };
    }

    /** Counts changes and calls; the database implementation is the worker's (issue 5). */
    static final class CountingProjection implements RunProjection {

    @Override
    public long applyTimed(ProjectionChange[] changes) {
        return RunProjectionHandler.timed(this, changes);
    }
        final AtomicLong writes = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        private final long latencyMillis;

        CountingProjection(long latencyMillis) {
            this.latencyMillis = latencyMillis;
        }

        @Override
        public void apply(ProjectionChange[] changes) {
            calls.incrementAndGet();
            writes.addAndGet(changes.length);
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long latency = args.length > 2 ? Long.parseLong(args[2]) : 0;
        var http = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newFixedThreadPool(8));
        http.createContext("/ticket", ex -> {
            byte[] body = "{\"owner\": \"ann\", \"priority\": 4}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/ticket";
        String yaml = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: bench
                steps:
                  - id: a
                    uses: sample.echo
                    with: { value: 1 }
                  - id: b
                    uses: sample.echo
                    with: { value: 1 }
                  - id: fetch
                    uses: http.request
                    with: { method: GET, url: "%s" }
                  - id: shape
                    uses: transform
                    with: { value: { owner: "${{ steps.fetch.output.body.owner }}" } }
                  - id: c
                    uses: sample.echo
                    with: { value: "${{ steps.shape.output }}" }
                outputs:
                  owner: ${{ steps.shape.output.owner }}
                """.formatted(url);
        String canonical = new WorkflowParser().parse(yaml).canonicalJson();

        System.out.printf("N=%d runs per measurement, %d rounds, all runs started at once, one worker, "
                + "projection write latency %d ms%n", n, rounds, latency);
        for (AuthoredWorkflowImpl.ProjectionPath path : AuthoredWorkflowImpl.ProjectionPath.values()) {
            double authoredSum = 0;
            double handSum = 0;
            double runMillisSum = 0;
            for (int round = 0; round <= rounds; round++) {
                TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
                Worker worker = env.newWorker(TASK_QUEUE);
                worker.registerWorkflowImplementationTypes(implementation(path),
                        HandWrittenImpl.class);
                CountingProjection projection = new CountingProjection(latency);
                worker.registerActivitiesImplementations(
                        new ActionActivitiesImpl(ActionCatalog.discover(), new HttpRequestAction()),
                        (DefinitionActivities) versionId -> canonical, projection);
                env.start();
                WorkflowClient client = env.getWorkflowClient();
                Function<String, CompletableFuture<?>> authoredRun = id -> {
                    AuthoredWorkflow wf = client.newWorkflowStub(AuthoredWorkflow.class, options(id));
                    return WorkflowClient.execute(wf::run, new RunInput(id, "bench.bench", "v1",
                            JSON.createObjectNode(), 1, Map.of()));
                };
                Function<String, CompletableFuture<?>> handRun = id -> {
                    HandWritten wf = client.newWorkflowStub(HandWritten.class, options(id));
                    return WorkflowClient.execute(wf::run, id, url);
                };
                // alternate which goes first, so that neither always runs on a warmer JVM
                Measured authored;
                Measured hand;
                if (round % 2 == 0) {
                    authored = measure(n, authoredRun);
                    hand = measure(n, handRun);
                } else {
                    hand = measure(n, handRun);
                    authored = measure(n, authoredRun);
                }
                env.close();
                if (round == 0) {
                    continue; // warm-up
                }
                authoredSum += authored.runsPerSecond();
                handSum += hand.runsPerSecond();
                runMillisSum += authored.meanRunMillis();
                System.out.printf("  round %d (%s projection): authored %.0f runs/s (mean run %.0f ms), hand-written %.0f runs/s "
                                + "(mean run %.0f ms), ratio %.2f, projection changes %d in %d calls%n",
                        round, path, authored.runsPerSecond(), authored.meanRunMillis(),
                        hand.runsPerSecond(), hand.meanRunMillis(), hand.runsPerSecond() / authored.runsPerSecond(),
                        projection.writes.get(), projection.calls.get());
            }
            System.out.printf("%s projection: authored %.0f runs/s (mean run %.0f ms), hand-written %.0f runs/s, "
                            + "hand-written/authored time ratio %.2f%n",
                    path, authoredSum / rounds, runMillisSum / rounds,
                    handSum / rounds, handSum / authoredSum);
        }
        http.stop(0);
        System.exit(0);
    }

    private static WorkflowOptions options(String id) {
        return WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).setWorkflowId("bench-" + id).build();
    }

    /** Throughput of a measurement, and the mean time from a run's start to its result. */
    private record Measured(double runsPerSecond, double meanRunMillis) {
    }

    /** Starts n runs at once and waits for all. */
    private static Measured measure(int n, Function<String, CompletableFuture<?>> start) {
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> all = new ArrayList<>();
        AtomicLong runNanos = new AtomicLong();
        for (int i = 0; i < n; i++) {
            long started = System.nanoTime();
            all.add(start.apply(UUID.randomUUID().toString())
                    .whenComplete((r, e) -> runNanos.addAndGet(System.nanoTime() - started)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        for (CompletableFuture<?> f : all) {
            Object result = f.join();
            if (result instanceof RunResult r && r.status() != RunStatus.SUCCEEDED) {
                throw new IllegalStateException("a benchmark run did not succeed: " + r);
            }
        }
        return new Measured(n / ((System.nanoTime() - t0) / 1e9), runNanos.get() / 1e6 / n);
    }
}
