package io.stepwise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The end-to-end benchmark client (deploy/bench/e2e.sh): launches {@code count} runs of
 * {@code bench.e2e} from {@code clients} concurrent clients through the HTTP API, waits until all
 * of them are finished, and prints sustained runs/min, launch latency (client side, p50/p99) and
 * end-to-end latency (the run's createdAt to finishedAt, p50/p99). Then, against the same
 * Temporal, the same series as a hand-written Temporal workflow ({@link RawTemporalBench}), and
 * the ratio. The workflow's http.request step calls a server this process runs.
 *
 * <p>Usage: EndToEndBench &lt;api base, e.g. http://127.0.0.1:8080/api/v1&gt; &lt;token&gt; &lt;count&gt;
 * &lt;clients&gt; [warm-up count] [rate] [mode fire|poll|wait]. Without a rate the clients launch as
 * fast as they can (the stack's capacity; end-to-end latency then includes the queue that builds
 * up). With a rate (runs/min) launches are paced on a fixed schedule, so the latency is the one at
 * that load. The baseline reads {@code -Dbench.temporal} (host:port), {@code -Dbench.keys} (the
 * keyring file), {@code -Dbench.sticky} and {@code -Dbench.localActivitySlots} (the Stepwise
 * worker's); {@code -Dbench.raw=false} skips it.
 */
public final class EndToEndBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKFLOW = "bench.e2e";
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED");
    private static final long POLL_MILLIS = 200;

    private final String api;
    private final String token;
    private final BenchLoad.Mode mode;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    /** Long-poll answers that came back at once with the status unchanged (a server without {@code ?wait}). */
    private final AtomicInteger earlyAnswers = new AtomicInteger();

    private EndToEndBench(String api, String token, BenchLoad.Mode mode) {
        this.api = api;
        this.token = token;
        this.mode = mode;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: EndToEndBench <api base> <token> <count> <clients> [warm-up count] [rate] [fire|poll|wait]");
            System.exit(2);
        }
        int count = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        BenchLoad.Mode mode = args.length > 6 ? BenchLoad.Mode.of(args[6]) : BenchLoad.Mode.FIRE;
        EndToEndBench bench = new EndToEndBench(args[0], args[1], mode);

        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        target.createContext("/ping", exchange -> {
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.setExecutor(Executors.newFixedThreadPool(8));
        target.start();
        String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/ping";
        String how = (rate > 0 ? "paced at " + (long) rate + " runs/min" : "as fast as they can")
                + ", clients " + switch (mode) {
                    case FIRE -> "not waiting for their runs";
                    case POLL -> "each waiting for its run (run document every " + POLL_MILLIS + " ms)";
                    case WAIT -> "each waiting for its run (launch ?wait=30s, then run document ?wait=30s)";
                };
        try {
            if (warmup > 0) {
                System.out.printf("[stepwise] warm-up: %d runs%n", warmup);
                Phase w = bench.launchAll(url, warmup, clients, rate);
                bench.awaitFinished(w.ids);
            }
            System.out.printf("[stepwise] launching %d runs from %d clients, %s%n", count, clients, how);
            MachineCpu cpuBefore = MachineCpu.now();
            Phase phase = bench.launchAll(url, count, clients, rate);
            Map<String, JsonNode> finished = bench.awaitFinished(phase.ids);
            MachineCpu cpuAfter = MachineCpu.now();
            BenchLoad.Series stepwise = bench.series(phase, finished);
            stepwise.print(clients);
            cpuAfter.printSince(cpuBefore, "stepwise", count);
            if (bench.earlyAnswers.get() > 0) {
                System.out.printf("[stepwise] %d waits answered at once with the status unchanged (a server without ?wait?)%n",
                        bench.earlyAnswers.get());
            }
            bench.explainFailures(finished);
            if (!Boolean.parseBoolean(System.getProperty("bench.raw", "true"))) {
                return;
            }
            RawTemporalBench.Settings settings = new RawTemporalBench.Settings(System.getProperty("bench.temporal"),
                    java.nio.file.Path.of(System.getProperty("bench.keys")),
                    Boolean.parseBoolean(System.getProperty("bench.sticky", "true")),
                    Integer.parseInt(System.getProperty("bench.localActivitySlots", "16")));
            System.out.printf("[raw] worker in the bench process on queue %s: sticky execution %s, %d local-activity slots%n",
                    RawTemporalBench.QUEUE, settings.stickyExecution(), settings.localActivitySlots());
            try (RawTemporalBench raw = new RawTemporalBench(settings)) {
                if (warmup > 0) {
                    System.out.printf("[raw] warm-up: %d runs%n", warmup);
                    raw.launchAll(url, warmup, clients, rate, mode);
                    raw.awaitCompleted(warmup);
                }
                System.out.printf("[raw] launching %d runs from %d clients, %s%n", count, clients, how);
                int before = RawTemporalBench.completedSoFar();
                MachineCpu rawCpuBefore = MachineCpu.now();
                RawTemporalBench.Phase rawPhase = raw.launchAll(url, count, clients, rate, mode);
                raw.awaitCompleted(before + count);
                MachineCpu rawCpuAfter = MachineCpu.now();
                BenchLoad.Series baseline = raw.measure(rawPhase, clients);
                baseline.print(clients);
                rawCpuAfter.printSince(rawCpuBefore, "raw", count);
                String sample = phase.ids.iterator().next();
                System.out.printf("history of one run: stepwise %s%n", raw.historyCounts(
                        io.stepwise.core.runtime.RuntimeContract.workflowId(sample)));
                System.out.printf("history of one run: raw      %s%n", raw.historyCounts(rawPhase.ids().get(0)));
                double ratio = stepwise.perMinute() / baseline.perMinute();
                System.out.printf("stepwise / raw:       %.0f / %.0f runs/min = %.2f%n", stepwise.perMinute(), baseline.perMinute(), ratio);
                System.out.printf("result: stepwise=%.0f raw=%.0f ratio=%.2f e2e_p50_ms=%d e2e_p99_ms=%d launch_p99_ms=%d failed=%d%n",
                        stepwise.perMinute(), baseline.perMinute(), ratio, BenchLoad.pct(stepwise.e2eMs(), 50),
                        BenchLoad.pct(stepwise.e2eMs(), 99), BenchLoad.pct(stepwise.launchMs(), 99), stepwise.failed());
            }
        } finally {
            target.stop(0);
            ((ExecutorService) target.getExecutor()).shutdownNow();
        }
    }

    private record Phase(Set<String> ids, BenchLoad.Launches launches, List<Long> observedMs) {
    }

    private Phase launchAll(String url, int count, int clients, double ratePerMinute) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Long> observed = Collections.synchronizedList(new ArrayList<>());
        String body = JSON.createObjectNode().set("inputs", JSON.createObjectNode().put("url", url)).toString();
        String launch = api + "/workflows/" + WORKFLOW + "/runs" + (mode == BenchLoad.Mode.WAIT ? "?wait=30s" : "");
        BenchLoad.Launches launches = BenchLoad.drive(count, clients, ratePerMinute, () -> {
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(launch))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            long latency = System.nanoTime() - t0;
            if (r.statusCode() != 201) {
                throw new IllegalStateException("launch answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode doc = JSON.readTree(r.body());
            String id = doc.path("id").asText();
            ids.add(id);
            if (mode.waits()) {
                awaitTerminal(id, doc);
                observed.add((System.nanoTime() - t0) / 1_000_000);
            }
            return latency;
        });
        return new Phase(ids, launches, mode.waits() ? observed : null);
    }

    /** One client waiting for its run: every 200 ms a read of the document, or long polls with {@code ?wait=30s}. */
    private void awaitTerminal(String id, JsonNode doc) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        String status = doc.path("status").asText();
        while (!TERMINAL.contains(status)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + id + " still " + status + " after 10 minutes");
            }
            long t0 = System.nanoTime();
            if (mode == BenchLoad.Mode.POLL) {
                Thread.sleep(POLL_MILLIS);
            }
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/runs/" + id
                    + (mode == BenchLoad.Mode.WAIT ? "?wait=30s" : ""))).GET());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("run document answered " + r.statusCode() + ": " + r.body());
            }
            String now = JSON.readTree(r.body()).path("status").asText();
            if (mode == BenchLoad.Mode.WAIT && now.equals(status) && System.nanoTime() - t0 < 50_000_000) {
                // no long poll on this server: do not spin on it
                earlyAnswers.incrementAndGet();
                Thread.sleep(POLL_MILLIS);
            }
            status = now;
        }
    }

    /**
     * Waits, with three one-row requests a second, until the workflow has no PENDING, RUNNING or
     * WAITING run (so that waiting costs the stack almost nothing), then pages through its runs
     * once and answers the summaries of {@code ids}.
     */
    private Map<String, JsonNode> awaitFinished(Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (active()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("runs still active after 10 minutes");
            }
            Thread.sleep(1000);
        }
        Map<String, JsonNode> finished = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = list("&limit=200" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (JsonNode run : page.path("items")) {
                if (ids.contains(run.path("id").asText())) {
                    finished.put(run.path("id").asText(), run);
                }
            }
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText(null);
        } while (cursor != null && finished.size() < ids.size());
        if (finished.size() < ids.size()) {
            throw new IllegalStateException((ids.size() - finished.size()) + " launched runs are missing from the list");
        }
        return finished;
    }

    private boolean active() throws Exception {
        for (String status : List.of("PENDING", "RUNNING", "WAITING")) {
            if (list("&limit=1&status=" + status).path("items").size() > 0) {
                return true;
            }
        }
        return false;
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/runs?workflow=" + WORKFLOW + query)).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("list answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private BenchLoad.Series series(Phase phase, Map<String, JsonNode> finished) {
        long failed = finished.values().stream().filter(r -> !r.path("status").asText().equals("SUCCEEDED")).count();
        Instant first = null;
        Instant last = null;
        List<Long> e2e = new ArrayList<>();
        for (JsonNode run : finished.values()) {
            Instant created = Instant.parse(run.path("createdAt").asText());
            Instant done = Instant.parse(run.path("finishedAt").asText());
            first = first == null || created.isBefore(first) ? created : first;
            last = last == null || done.isAfter(last) ? done : last;
            e2e.add(Duration.between(created, done).toMillis());
        }
        double seconds = Duration.between(first, last).toMillis() / 1000.0;
        return BenchLoad.Series.of("stepwise", finished.size(), failed, seconds, phase.launches, e2e,
                "the run's createdAt to finishedAt", phase.observedMs);
    }

    /** Prints how many runs ended in each status and the error of one run per error type. */
    private void explainFailures(Map<String, JsonNode> finished) throws Exception {
        Map<String, String> exampleByType = new java.util.TreeMap<>();
        for (JsonNode run : finished.values()) {
            if (run.path("status").asText().equals("SUCCEEDED") || exampleByType.size() >= 5) {
                continue;
            }
            JsonNode doc = JSON.readTree(send(HttpRequest.newBuilder(URI.create(api + "/runs/" + run.path("id").asText()))
                    .GET()).body());
            exampleByType.putIfAbsent(doc.path("status").asText() + " " + doc.path("error").path("type").asText(),
                    doc.path("id").asText() + ": " + doc.path("error"));
        }
        exampleByType.forEach((type, example) -> System.out.printf("[stepwise] not succeeded: %s, e.g. %s%n", type, example));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(45)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
