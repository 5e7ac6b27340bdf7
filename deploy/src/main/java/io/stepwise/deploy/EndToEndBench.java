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
 * &lt;clients&gt; [warm-up count]
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
                Phase w = bench.launchAll(url, warmup, clients);
                bench.awaitFinished(w.ids);
            }
            Phase phase = bench.launchAll(url, count, clients);
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

    private Phase launchAll(String url, int count, int clients) throws Exception {
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

    /** Pages through GET /runs of the workflow until every id is finished; answers their summaries. */
    private Map<String, JsonNode> awaitFinished(Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Map<String, JsonNode> finished = new HashMap<>();
        while (finished.size() < ids.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((ids.size() - finished.size()) + " runs not finished after 10 minutes");
            }
            String cursor = null;
            do {
                String query = "?workflow=" + WORKFLOW + "&limit=200"
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(api + "/runs" + query)).GET());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("list answered " + r.statusCode() + ": " + r.body());
                }
                JsonNode page = JSON.readTree(r.body());
                for (JsonNode run : page.path("items")) {
                    String status = run.path("status").asText();
                    if (ids.contains(run.path("id").asText()) && !run.path("finishedAt").isNull()
                            && (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELED"))) {
                        finished.put(run.path("id").asText(), run);
                    }
                }
                cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText(null);
            } while (cursor != null && finished.size() < ids.size());
            if (finished.size() < ids.size()) {
                Thread.sleep(500);
            }
        }
        return finished;
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
