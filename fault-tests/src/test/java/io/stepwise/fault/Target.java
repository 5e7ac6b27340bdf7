package io.stepwise.fault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP target of the test workflows, on 127.0.0.1: counts hits per "run/step" (query {@code run} and
 * {@code step}), keeps the Authorization header each request carried, answers 500 to a step told to
 * {@link #fail(String, int) fail}, and holds requests whose step is {@link #hold(String) held} until released.
 */
final class Target implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> arrived = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<String>> authorizations = new ConcurrentHashMap<>();

    Target() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, requests for this step are held open until {@link #release(String)}. */
    void hold(String step) {
        holds.put(step, new CountDownLatch(1));
        arrived.put(step, new CountDownLatch(1));
    }

    boolean awaitArrival(String step, long seconds) throws InterruptedException {
        return arrived.get(step).await(seconds, TimeUnit.SECONDS);
    }

    void release(String step) {
        CountDownLatch l = holds.remove(step);
        if (l != null) {
            l.countDown();
        }
    }

    /** The next {@code times} requests for this step answer 500. */
    void fail(String step, int times) {
        failures.put(step, new AtomicInteger(times));
    }

    /** The Authorization headers the requests for this run and step carried, in order (null when absent). */
    java.util.List<String> authorizations(String run, String step) {
        return java.util.List.copyOf(authorizations.getOrDefault(run + "/" + step, java.util.List.of()));
    }

    int hits(String run, String step) {
        AtomicInteger n = hits.get(run + "/" + step);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String step = q.getOrDefault("step", "");
        String key = q.getOrDefault("run", "") + "/" + step;
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        authorizations.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
                .add(ex.getRequestHeaders().getFirst("Authorization"));
        CountDownLatch a = arrived.get(step);
        if (a != null) {
            a.countDown();
        }
        CountDownLatch hold = holds.get(step);
        try {
            if (hold != null) {
                hold.await(120, TimeUnit.SECONDS);
            }
            AtomicInteger failing = failures.get(step);
            boolean fails = failing != null && failing.getAndDecrement() > 0;
            byte[] body = ("{\"ok\":" + !fails + ",\"step\":\"" + step + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(fails ? 500 : 200, body.length);
            ex.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller (a killed worker) went away
        } finally {
            ex.close();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null) {
            return m;
        }
        for (String p : raw.split("&")) {
            int i = p.indexOf('=');
            if (i > 0) {
                m.put(URLDecoder.decode(p.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    @Override
    public void close() {
        holds.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
