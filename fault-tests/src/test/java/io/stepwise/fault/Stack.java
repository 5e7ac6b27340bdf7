package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The local stack as real processes, owned by one test: an embedded PostgreSQL and Temporal's test server
 * in this JVM (each restartable on the same port, PostgreSQL on the same data dir), the api-server and
 * workflow-worker fast-jars as child processes configured like run.sh's {@code service_env}, a dev key
 * made here, and a pack dir the test writes. Loopback only.
 */
final class Stack implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("stepwise.root", "..")).toAbsolutePath().normalize();
    static final Path API_JAR = ROOT.resolve("api-server/target/quarkus-app/quarkus-run.jar");
    static final Path WORKER_JAR = ROOT.resolve("workflow-worker/target/quarkus-app/quarkus-run.jar");
    static final String ISSUER = "https://stepwise.local";
    /** The api-server's default {@code mp.jwt.verify.audiences}. */
    static final String AUDIENCE = "stepwise-api";

    final Path home;
    final Path pgData;
    final Path packs;
    final Path logs;
    final int pgPort = freePort();
    final int temporalPort = freePort();
    EmbeddedPostgres postgres;
    TestServicesStarter temporalServices;
    Server temporal;
    final Map<String, Service> services = new LinkedHashMap<>();
    private PrivateKey key;
    /** The payload keyring both services get in STEPWISE_KEYS (docs/security.md); generated per stack. */
    private String payloadKeys;
    private String token;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Stack(String name) throws Exception {
        home = Path.of("target", "fault", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        pgData = home.resolve("postgres");
        packs = home.resolve("packs");
        logs = home.resolve("logs");
        Files.createDirectories(pgData);
        Files.createDirectories(logs);
        Files.createDirectories(packs.resolve("fault/workflows"));
        keys();
        if (!Files.isRegularFile(API_JAR) || !Files.isRegularFile(WORKER_JAR)) {
            throw new IllegalStateException("build the fast-jars first (./mvnw -B package -DskipTests): missing "
                    + API_JAR + " or " + WORKER_JAR);
        }
    }

    // ---------------------------------------------------------------- infrastructure

    void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setPort(pgPort).setServerConfig("listen_addresses", "127.0.0.1").start();
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'stepwise'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE stepwise");
                }
            }
        }
    }

    void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    /** Temporal's test services on 127.0.0.1 only (TestServer.createPortBoundServer listens on every interface). */
    void startTemporal() throws IOException {
        temporalServices = new TestServicesStarter(true, 0);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", temporalPort),
                InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(temporalServices.getServices(), builder);
        temporal = builder.build().start();
    }

    void stopTemporal() {
        if (temporal != null) {
            temporal.shutdown();
            try {
                temporal.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            temporalServices.close();
            temporal.shutdownNow();
            temporal = null;
            temporalServices = null;
        }
    }

    Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/stepwise", "postgres", "postgres");
    }

    void writeWorkflow(String name, String yaml) throws IOException {
        Files.writeString(packs.resolve("fault/workflows/" + name + ".yaml"), yaml);
    }

    // ---------------------------------------------------------------- processes

    final class Service {
        final String name;
        final Path jar;
        final int port;
        /** Health and metrics: the management interface, apart from the API's port. */
        final int managementPort;
        final Map<String, String> extraEnv;
        final Path log;
        Process process;

        Service(String name, Path jar, Map<String, String> extraEnv) {
            this.name = name;
            this.jar = jar;
            this.port = freePort();
            this.managementPort = freePort();
            this.extraEnv = extraEnv;
            this.log = logs.resolve(name + ".log");
        }

        Service start() throws Exception {
            ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
            Map<String, String> env = pb.environment();
            env.put("STEPWISE_DB_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/stepwise");
            env.put("STEPWISE_DB_USER", "postgres");
            env.put("STEPWISE_DB_PASSWORD", "postgres");
            env.put("STEPWISE_TEMPORAL_TARGET", "127.0.0.1:" + temporalPort);
            env.put("STEPWISE_JWT_PUBLIC_KEY", "file:" + home.resolve("keys/public.pem"));
            env.put("STEPWISE_JWT_ISSUER", ISSUER);
            env.put("STEPWISE_KEYS", payloadKeys);
            env.put("STEPWISE_PACKS_DIR", packs.toString());
            env.put("STEPWISE_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
            env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
            env.put("STEPWISE_TEMPORAL_COMPRESSION", "none");
            env.put("STEPWISE_WORKER_STICKY_EXECUTION", "false");
            env.putAll(extraEnv);
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Files.writeString(log, "\n==== start " + Instant.now() + " ====\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
            waitUntil(Duration.ofSeconds(120), name + " ready on /q/health/ready", this::ready);
            return this;
        }

        boolean ready() {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited " + process.exitValue() + "\n" + tail(log, 60));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(managementBase() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        String managementBase() {
            return "http://127.0.0.1:" + managementPort;
        }

        /** kill -9 (destroyForcibly is SIGKILL on Linux), then proof from ProcessHandle that it is gone. */
        void kill9() throws Exception {
            long pid = process.pid();
            process.destroyForcibly();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + pid + ") survived SIGKILL");
            }
            waitUntil(Duration.ofSeconds(10), name + " pid " + pid + " gone",
                    () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        }

        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    Service api() {
        return services.get("api");
    }

    Service startApi() throws Exception {
        Service s = services.computeIfAbsent("api", n -> new Service(n, API_JAR, Map.of()));
        return s.start();
    }

    Service startWorker(String name, Map<String, String> env) throws Exception {
        Service s = services.computeIfAbsent(name, n -> new Service(n, WORKER_JAR, env));
        return s.start();
    }

    /** Stops the named worker (SIGTERM, then SIGKILL after 20 s); {@link #startWorker} starts it again. */
    void stopWorker(String name) {
        Service s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no worker named " + name + " (known: " + services.keySet() + ")");
        }
        s.stop();
    }

    /** Starts the named worker again with the environment it was first started with. */
    Service startWorker(String name) throws Exception {
        Service s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no worker named " + name + " (known: " + services.keySet() + ")");
        }
        return s.start();
    }

    /** PostgreSQL, Temporal, api-server and one worker. */
    Stack up() throws Exception {
        startPostgres();
        startTemporal();
        startApi();
        startWorker("worker", Map.of());
        return this;
    }

    String logTails() {
        StringBuilder b = new StringBuilder();
        for (Service s : services.values()) {
            b.append("\n---- tail of ").append(s.log).append(" ----\n").append(tail(s.log, 80));
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (Service s : services.values()) {
            s.stop();
        }
        stopTemporal();
        try {
            stopPostgres();
        } catch (IOException e) {
            System.err.println("postgres did not stop cleanly: " + e);
        }
    }

    // ---------------------------------------------------------------- REST

    record Reply(int status, JsonNode body, String text) {
    }

    private ApiContract contract;
    private String contractBase;

    /** The OpenAPI document of the api-server running now (a restart may be another build's). */
    private synchronized ApiContract contract() throws Exception {
        if (contract == null || !api().base().equals(contractBase)) {
            contract = ApiContract.of(http, api().base());
            contractBase = api().base();
        }
        return contract;
    }

    Reply call(String method, String path, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api().base() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token());
        headers.forEach(b::setHeader);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String sent = body == null ? null : JSON.writeValueAsString(body);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (path.startsWith("/api/")) {
            contract().check(method, URI.create(api().base() + path), headers, sent, r);
        }
        JsonNode json = null;
        try {
            json = r.body().isBlank() ? null : JSON.readTree(r.body());
        } catch (Exception ignored) {
            // not JSON
        }
        return new Reply(r.statusCode(), json, r.body());
    }

    String launch(String workflow, Map<String, Object> inputs) throws Exception {
        Reply r = call("POST", "/api/v1/workflows/fault." + workflow + "/runs", Map.of("inputs", inputs), Map.of());
        if (r.status() / 100 != 2) {
            throw new AssertionError("launch of " + workflow + " answered " + r.status() + ": " + r.text());
        }
        return r.body().get("id").asText();
    }

    JsonNode run(String id) throws Exception {
        Reply r = call("GET", "/api/v1/runs/" + id, null, Map.of());
        if (r.status() != 200) {
            throw new AssertionError("GET /runs/" + id + " answered " + r.status() + ": " + r.text());
        }
        return r.body();
    }

    int signal(String id, String event, String key, Map<String, Object> payload) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("event", event);
        body.put("correlationKey", key);
        body.put("payload", payload);
        return call("POST", "/api/v1/runs/" + id + "/signals", body, Map.of()).status();
    }

    static boolean terminal(String status) {
        return List.of("SUCCEEDED", "FAILED", "CANCELED").contains(status);
    }

    /** Polls a run's document until it is terminal; returns the last document. */
    JsonNode awaitTerminal(String id, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        JsonNode doc = run(id);
        while (!terminal(doc.path("status").asText()) && Instant.now().isBefore(end)) {
            Thread.sleep(250);
            doc = run(id);
        }
        return doc;
    }

    JsonNode awaitStatus(String id, String status, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        JsonNode doc = run(id);
        while (!status.equals(doc.path("status").asText()) && Instant.now().isBefore(end)) {
            Thread.sleep(250);
            doc = run(id);
        }
        return doc;
    }

    /** A run waits on its event when its document shows an EVENT wait WAITING. */
    JsonNode awaitEventWait(String id, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        while (true) {
            JsonNode doc = run(id);
            for (JsonNode w : doc.path("waits")) {
                if ("EVENT".equals(w.path("kind").asText()) && "WAITING".equals(w.path("status").asText())) {
                    return doc;
                }
            }
            if (terminal(doc.path("status").asText()) || Instant.now().isAfter(end)) {
                throw new AssertionError("run " + id + " is not waiting on its event: " + doc);
            }
            Thread.sleep(250);
        }
    }

    // ---------------------------------------------------------------- keys

    private void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        key = pair.getPrivate();
        payloadKeys = payloadKeyLine("fault-1");
        Path dir = Files.createDirectories(home.resolve("keys"));
        Files.writeString(dir.resolve("public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    }

    /** A keyring entry {@code <id>:<base64 of 32 random bytes>}, generated here, never stored. */
    private static String payloadKeyLine(String id) {
        byte[] aes = new byte[32];
        new java.security.SecureRandom().nextBytes(aes);
        return id + ":" + Base64.getEncoder().encodeToString(aes);
    }

    /**
     * Adds a new payload key as the newest (docs/security.md, "Rotating the keyring"): services
     * started from now on encrypt with it and still decrypt with every older key. Answers its id.
     */
    String rotatePayloadKey() {
        String id = "fault-" + (payloadKeys.split(",").length + 1);
        payloadKeys = payloadKeys + "," + payloadKeyLine(id);
        return id;
    }

    /** The admin token every REST helper here sends (subject fault-admin, two hours), made once. */
    synchronized String token() throws Exception {
        if (token == null) {
            token = token("fault-admin", "stepwise.admin", 7200);
        }
        return token;
    }

    /**
     * An RS256 JWT signed with this stack's key: issuer {@link #ISSUER}, audience {@link #AUDIENCE},
     * {@code sub} and {@code upn} the subject, {@code groups} the one group (stepwise.viewer, stepwise.operator or stepwise.admin). A
     * positive ttl is valid from now for that many seconds; zero or negative gives a token that has
     * already expired (exp that many seconds ago, at least one, and iat an hour before exp).
     */
    String token(String subject, String group, long ttlSeconds) throws Exception {
        long now = Instant.now().getEpochSecond();
        long exp = ttlSeconds > 0 ? now + ttlSeconds : now - Math.max(1, -ttlSeconds);
        long iat = ttlSeconds > 0 ? now : exp - 3600;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("groups", List.of(group));
        claims.put("iat", iat);
        claims.put("exp", exp);
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64(JSON.writeValueAsString(claims));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- helpers

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Duration limit, String what, Check check) throws Exception {
        Instant end = Instant.now().plus(limit);
        while (true) {
            if (check.ok()) {
                return;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    static List<String> ids(List<String> l) {
        return new ArrayList<>(l);
    }
}
