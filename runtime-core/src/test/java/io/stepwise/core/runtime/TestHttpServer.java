package io.stepwise.core.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server for interpreter tests. {@code /json} answers a ticket; {@code /status/<code>}
 * answers that code; {@code /flaky/<n>} fails with 503 n times, then answers 200;
 * {@code /slow} holds each request 200 ms and tracks the most requests in flight at once;
 * {@code /hang} holds each request 2 s, longer than the tests' step timeouts.
 */
public final class TestHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int hits(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int count = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String requestBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (path.equals("/json")) {
            respond(exchange, 200, "{\"priority\": 5, \"owner\": \"ann\", \"watchers\": [{\"channel\": \"a\"}, {\"channel\": \"b\"}, {\"channel\": \"c\"}]}");
        } else if (path.equals("/echo")) {
            respond(exchange, 200, "{\"method\": \"" + exchange.getRequestMethod() + "\", \"query\": \""
                    + exchange.getRequestURI().getQuery() + "\", \"body\": " + (requestBody.isEmpty() ? "null" : requestBody) + "}");
        } else if (path.startsWith("/status/")) {
            respond(exchange, Integer.parseInt(path.substring(8)), "status");
        } else if (path.startsWith("/flaky/")) {
            int failures = Integer.parseInt(path.substring(7));
            respond(exchange, count <= failures ? 503 : 200, "{\"call\": " + count + "}");
        } else if (path.startsWith("/hang")) {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "{\"late\": true}");
        } else if (path.startsWith("/slow")) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            respond(exchange, 200, "{\"path\": \"" + path + "\"}");
        } else {
            respond(exchange, 404, "no such path");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
