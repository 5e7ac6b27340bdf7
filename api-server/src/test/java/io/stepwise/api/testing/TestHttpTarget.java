package io.stepwise.api.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server for workflows' {@code http.request} steps to call: it answers every
 * request with a fixed JSON body and counts the calls, in all and by query string, so that a test
 * can prove a step ran exactly as often as it should.
 */
public final class TestHttpTarget implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final AtomicInteger calls = new AtomicInteger();
    private final Map<String, AtomicInteger> byQuery = new ConcurrentHashMap<>();
    private final String path;

    private TestHttpTarget(String path, String json) throws IOException {
        this.path = path;
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, exchange -> {
            calls.incrementAndGet();
            byQuery.computeIfAbsent(String.valueOf(exchange.getRequestURI().getQuery()), k -> new AtomicInteger())
                    .incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a server that answers {@code json} at {@code path}. */
    public static TestHttpTarget answering(String path, String json) throws IOException {
        return new TestHttpTarget(path, json);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** How many requests arrived. */
    public int calls() {
        return calls.get();
    }

    /** Requests by query string ({@code "null"} for none). */
    public Map<String, AtomicInteger> callsByQuery() {
        return byQuery;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
