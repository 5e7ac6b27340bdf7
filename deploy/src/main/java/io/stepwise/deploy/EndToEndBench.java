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
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The end-to-end benchmark client (deploy/bench/e2e.sh): launches {@code count} runs of
 * {@code bench.e2e} from {@code clients} concurrent clients through the HTTP API, waits until all
 * of them are finished, and prints sustained runs/min, launch latency (client side, p50/p99) and
 * end-to-end latency (the run's createdAt to finishedAt, p50/p99). The workflow's http.request
 * step calls a server this process runs.
 *
 * <p>Usage: EndToEndBench &lt;api base, e.g. http://127.0.0.1:8080/api/v1&gt; &lt;token&gt; &lt;count&gt;
 * &lt;clients&gt; [warm-up count] [rate]. Without a rate the clients launch as fast as they can
 * (the stack's capacity; end-to-end latency then includes the queue that builds up). With a rate
 * (runs/min) launches are paced on a fixed schedule, so the latency is the one at that load.
 */
public final class EndToEndBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKFLOW = "bench.e2e";

    private final String api;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EndToEndBench(String api, String token) {
        this.api = api;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: EndToEndBench <api base> <token> <count> <clients> [warm-up count]");
            System.exit(2);
        }
        EndToEndBench bench = new EndToEndBench(args[0], args[1]);
        int count = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;

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
        try {
            if (warmup > 0) {
                System.out.printf("warm-up: %d runs%n", warmup);
                Phase w = bench.launchAll(url, warmup, clients, rate);
                bench.awaitFinished(w.ids);
            }
            System.out.printf("launching %d runs from %d clients, %s%n", count, clients,
                    rate > 0 ? "paced at " + (long) rate + " runs/min" : "as fast as they can");
            Phase phase = bench.launchAll(url, count, clients, rate);
            Map<String, JsonNode> finished = bench.awaitFinished(phase.ids);
            bench.report(phase, finished, clients);
            bench.explainFailures(finished);
        } finally {
            target.stop(0);
            ((ExecutorService) target.getExecutor()).shutdownNow();
        }
    }

    private record Phase(Set<String> ids, List<Long> launchNanos, long wallNanos) {
    }

    private Phase launchAll(String url, int count, int clients, double ratePerMinute) throws Exception {
        long interval = ratePerMinute > 0 ? (long) (60e9 / ratePerMinute) : 0;
        AtomicInteger next = new AtomicInteger();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(count);
        String body = JSON.createObjectNode().set("inputs", JSON.createObjectNode().put("url", url)).toString();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            work.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    long due = start + next.getAndIncrement() * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/workflows/" + WORKFLOW + "/runs"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
                    latencies.add(System.nanoTime() - t0);
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("launch answered " + r.statusCode() + ": " + r.body());
                    }
                    ids.add(JSON.readTree(r.body()).path("id").asText());
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        return new Phase(ids, latencies, System.nanoTime() - start);
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

    private void report(Phase phase, Map<String, JsonNode> finished, int clients) {
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
        List<Long> launch = phase.launchNanos.stream().map(n -> n / 1_000_000).sorted().toList();
        Collections.sort(e2e);
        System.out.printf("runs:                 %d from %d clients (%d not SUCCEEDED)%n", finished.size(), clients, failed);
        System.out.printf("sustained:            %.0f runs/min (first launch to last finish: %.1f s)%n",
                finished.size() / seconds * 60, seconds);
        System.out.printf("launch rate:          %.0f launches/min%n", launch.size() / (phase.wallNanos / 1e9) * 60);
        System.out.printf("launch latency:       p50 %d ms, p99 %d ms%n", pct(launch, 50), pct(launch, 99));
        System.out.printf("end-to-end latency:   p50 %d ms, p99 %d ms (createdAt to finishedAt)%n", pct(e2e, 50), pct(e2e, 99));
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
        exampleByType.forEach((type, example) -> System.out.printf("not succeeded: %s, e.g. %s%n", type, example));
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
