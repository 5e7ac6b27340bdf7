package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code http.request} against two servers on 127.0.0.1 (two ports: two origins). Nothing here
 * connects anywhere else: refused destinations are refused before a connection, and names are
 * resolved by a stand-in resolver that only ever hands out 127.0.0.1 to the real client.
 */
class HttpRequestActionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIB = 1024 * 1024;

    private Origin a;
    private Origin b;

    /** What a server was sent. */
    record Seen(String method, String path, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /**
     * A server on 127.0.0.1: {@code /redirect?status=S&to=URL} answers S with Location URL;
     * {@code /echo} answers what it got; {@code /bytes?n=N} streams N bytes without a length;
     * {@code /declared?n=N} announces N bytes (and sends them, but not to a HEAD); {@code /loop}
     * redirects to itself.
     */
    static final class Origin implements AutoCloseable {
        final HttpServer server;
        final List<Seen> seen = new CopyOnWriteArrayList<>();

        Origin() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", this::handle);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            seen.add(new Seen(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body));
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            try (exchange) {
                switch (path) {
                    case "/redirect" -> {
                        exchange.getResponseHeaders().add("Location", query.get("to"));
                        exchange.sendResponseHeaders(Integer.parseInt(query.getOrDefault("status", "302")), -1);
                    }
                    case "/loop" -> {
                        exchange.getResponseHeaders().add("Location", "/loop");
                        exchange.sendResponseHeaders(302, -1);
                    }
                    case "/echo" -> {
                        Map<String, Object> echo = new LinkedHashMap<>();
                        echo.put("method", exchange.getRequestMethod());
                        echo.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
                        echo.put("cookie", exchange.getRequestHeaders().getFirst("Cookie"));
                        echo.put("body", body);
                        byte[] bytes = JSON.writeValueAsBytes(echo);
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, bytes.length);
                        exchange.getResponseBody().write(bytes);
                    }
                    case "/bytes" -> {
                        long n = Long.parseLong(query.get("n"));
                        exchange.sendResponseHeaders(200, 0); // chunked: the size shows only while reading
                        writeBytes(exchange.getResponseBody(), n);
                    }
                    case "/declared" -> {
                        long n = Long.parseLong(query.get("n"));
                        if (exchange.getRequestMethod().equals("HEAD")) {
                            // the length of the body a GET would get; the server sends none
                            exchange.getResponseHeaders().set("Content-Length", String.valueOf(n));
                            exchange.sendResponseHeaders(200, -1);
                        } else {
                            exchange.sendResponseHeaders(200, n);
                            writeBytes(exchange.getResponseBody(), n);
                        }
                    }
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            } catch (IOException clientWentAway) {
                // the action stops reading at its limit and drops the connection
            }
        }

        private static void writeBytes(OutputStream out, long n) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            for (long left = n; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> out = new HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return out;
        }

        List<Seen> seen(String path) {
            return seen.stream().filter(s -> s.path().equals(path)).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void start() throws IOException {
        a = new Origin();
        b = new Origin();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static JsonNode with(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String redirect(Origin from, int status, String to) {
        return from.url("/redirect?status=" + status + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
    }

    private static String get(String url, String extra) {
        return "{\"method\": \"GET\", \"url\": \"" + url + "\"" + extra + "}";
    }

    /** Proxy-Authorization is dropped too, but the JDK client never sends it to an origin, only to a proxy. */
    private static final String CREDENTIALS = ", \"headers\": {\"Authorization\": \"Bearer s3cret\", \"Cookie\": \"session=1\","
            + " \"X-Request-Id\": \"r-1\"}";

    @Nested
    class Redirects {
        private final HttpRequestAction http = new HttpRequestAction();

        @Test
        void aRedirectToAnotherOriginDropsAuthorizationAndCookie() throws Exception {
            JsonNode out = http.execute(with(get(redirect(a, 302, b.url("/echo")), CREDENTIALS)));

            assertThat(out.get("status").asInt()).isEqualTo(200);
            assertThat(a.seen("/redirect")).singleElement().satisfies(s -> {
                assertThat(s.header("Authorization")).isEqualTo("Bearer s3cret");
                assertThat(s.header("Cookie")).isEqualTo("session=1");
            });
            assertThat(b.seen("/echo")).hasSize(1);
            Seen target = b.seen("/echo").get(0);
            assertThat(target.header("Authorization")).isNull();
            assertThat(target.header("Cookie")).isNull();
            assertThat(target.header("X-Request-Id")).isEqualTo("r-1");
        }

        @Test
        void aPortIsPartOfTheOrigin() {
            assertThat(HttpRequestAction.sameOrigin(URI.create("http://h/x"), URI.create("http://H:80/y"))).isTrue();
            assertThat(HttpRequestAction.sameOrigin(URI.create("http://h/x"), URI.create("http://h:8080/y"))).isFalse();
            assertThat(HttpRequestAction.sameOrigin(URI.create("http://h/x"), URI.create("https://h/x"))).isFalse();
        }

        @Test
        void aSameOriginRedirectKeepsTheCredentials() throws Exception {
            JsonNode out = http.execute(with(get(redirect(a, 301, "/echo"), CREDENTIALS)));

            assertThat(out.at("/body/authorization").asText()).isEqualTo("Bearer s3cret");
            assertThat(out.at("/body/cookie").asText()).isEqualTo("session=1");
        }

        @Test
        void credentialsDroppedOnceStayDroppedWhenTheChainComesBack() throws Exception {
            String back = redirect(b, 307, a.url("/echo"));
            JsonNode out = http.execute(with(get(redirect(a, 302, back), CREDENTIALS)));

            assertThat(out.at("/body/authorization").isNull()).isTrue();
            assertThat(b.seen("/redirect")).singleElement().satisfies(s -> assertThat(s.header("Authorization")).isNull());
        }

        @Test
        void withFollowRedirectsFalseThe30xIsTheAnswer() throws Exception {
            JsonNode out = http.execute(with(get(redirect(a, 302, b.url("/echo")),
                    ", \"followRedirects\": false, \"successCodes\": [302]")));

            assertThat(out.get("status").asInt()).isEqualTo(302);
            assertThat(out.at("/headers/location").asText()).isEqualTo(b.url("/echo"));
            assertThat(b.seen).isEmpty();
        }

        @Test
        void withFollowRedirectsFalseA30xOutsideSuccessCodesFailsTheStep() {
            assertThatThrownBy(() -> http.execute(with(get(redirect(a, 308, b.url("/echo")), ", \"followRedirects\": false"))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.SERVER_ERROR);
                        assertThat(f.getMessage()).isEqualTo("GET 127.0.0.1/redirect answered 308");
                    });
            assertThat(b.seen).isEmpty();
        }

        @Test
        void a303TurnsAPostIntoAGetWithoutBodyAndA307KeepsBoth() throws Exception {
            String post = "{\"method\": \"POST\", \"url\": \"%s\", \"body\": {\"n\": 1}}";

            JsonNode seeOther = http.execute(with(post.formatted(redirect(a, 303, "/echo"))));
            assertThat(seeOther.at("/body/method").asText()).isEqualTo("GET");
            assertThat(seeOther.at("/body/body").asText()).isEmpty();
            assertThat(a.seen("/echo").get(0).header("Content-Type")).isNull();

            JsonNode temporary = http.execute(with(post.formatted(redirect(a, 307, "/echo"))));
            assertThat(temporary.at("/body/method").asText()).isEqualTo("POST");
            assertThat(temporary.at("/body/body").asText()).isEqualTo("{\"n\":1}");
            assertThat(a.seen("/echo").get(1).header("Content-Type")).isEqualTo("application/json");
        }

        @Test
        void moreThanFiveRedirectsFailTheStepForGood() {
            assertThatThrownBy(() -> http.execute(with(get(a.url("/loop"), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.REDIRECT_ERROR);
                        assertThat(f.retryable()).isFalse();
                        assertThat(f.getMessage()).contains("more than 5 redirects");
                    });
            assertThat(a.seen("/loop")).hasSize(1 + HttpRequestAction.MAX_REDIRECTS);
        }

        @Test
        void aRedirectToAnotherSchemeThanHttpIsRefused() {
            assertThatThrownBy(() -> http.execute(with(get(redirect(a, 302, "file:///etc/passwd"), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.CLIENT_ERROR);
                        assertThat(f.retryable()).isFalse();
                    });
        }
    }

    @Nested
    class ResponseSize {
        private final HttpRequestAction http = new HttpRequestAction();

        @Test
        void aFiveMibResponseFailsTheStepAndTheNextRequestStillWorks() throws Exception {
            assertThatThrownBy(() -> http.execute(with(get(a.url("/bytes?n=" + 5 * MIB), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.RESPONSE_TOO_LARGE);
                        assertThat(f.retryable()).isFalse();
                        assertThat(f.getMessage()).isEqualTo("GET 127.0.0.1/bytes: the response is larger than the limit"
                                + " of 1048576 bytes (with.maxResponseBytes, at most stepwise.http.max-response-bytes = 1048576)");
                    });

            JsonNode next = http.execute(with(get(a.url("/echo"), "")));
            assertThat(next.get("status").asInt()).isEqualTo(200);
            assertThat(next.at("/body/method").asText()).isEqualTo("GET");
        }

        @Test
        void aDeclaredLengthAboveTheLimitFailsBeforeTheBodyIsRead() {
            assertThatThrownBy(() -> http.execute(with(get(a.url("/declared?n=" + 5 * MIB), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class,
                            f -> assertThat(f.type()).isEqualTo(HttpRequestAction.RESPONSE_TOO_LARGE));
        }

        @Test
        void aHeadAnswerAnnouncingALargeBodyIsNotTooLarge() throws Exception {
            JsonNode out = http.execute(with("{\"method\": \"HEAD\", \"url\": \"" + a.url("/declared?n=" + 5 * MIB) + "\"}"));
            assertThat(out.get("status").asInt()).isEqualTo(200);
            assertThat(out.at("/headers/content-length").asText()).isEqualTo(String.valueOf(5 * MIB));
            assertThat(out.get("body").isNull()).isTrue();
        }

        @Test
        void aBodyOfExactlyTheLimitIsRead() throws Exception {
            JsonNode out = http.execute(with(get(a.url("/bytes?n=" + MIB), "")));
            assertThat(out.get("body").asText()).hasSize(MIB);
        }

        @Test
        void aStepMayAskForLessThanTheWorkerAllowsButNotMore() throws Exception {
            assertThatThrownBy(() -> http.execute(with(get(a.url("/bytes?n=101"), ", \"maxResponseBytes\": 100"))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.RESPONSE_TOO_LARGE);
                        assertThat(f.getMessage()).contains("limit of 100 bytes");
                    });
            assertThat(http.execute(with(get(a.url("/bytes?n=100"), ", \"maxResponseBytes\": 100"))).get("body").asText())
                    .hasSize(100);

            int before = a.seen.size();
            assertThatThrownBy(() -> http.execute(with(get(a.url("/echo"), ", \"maxResponseBytes\": " + 2 * MIB))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.CLIENT_ERROR);
                        assertThat(f.getMessage()).isEqualTo("with.maxResponseBytes 2097152 is above this worker's"
                                + " stepwise.http.max-response-bytes (1048576)");
                    });
            assertThat(a.seen).hasSize(before);
        }

        @Test
        void theWorkersLimitIsTheDefault() {
            HttpRequestAction small = new HttpRequestAction(new HttpRequestPolicy(1000, DestinationPolicy.defaults()));
            assertThatThrownBy(() -> small.execute(with(get(a.url("/bytes?n=1001"), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class,
                            f -> assertThat(f.getMessage()).contains("limit of 1000 bytes"));
        }
    }

    @Nested
    class Destinations {
        private final HttpRequestPolicy denyLoopback = new HttpRequestPolicy(MIB,
                DestinationPolicy.of(List.of("127.0.0.0/8", "::1"), List.of()));

        @Test
        void aDeniedAddressIsRefusedBeforeAnyConnection() {
            HttpRequestAction http = new HttpRequestAction(denyLoopback);

            assertThatThrownBy(() -> http.execute(with(get(a.url("/echo"), CREDENTIALS))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.DESTINATION_DENIED);
                        assertThat(f.retryable()).isFalse();
                        assertThat(f.getMessage()).isEqualTo("destination 127.0.0.1 is denied by stepwise.http.deny (127.0.0.0/8)");
                    });
            assertThat(a.seen).isEmpty();
        }

        @Test
        void aHostNameIsJudgedByTheAddressesItResolvesTo() {
            HttpRequestAction http = new HttpRequestAction(denyLoopback); // the real resolver: localhost is in /etc/hosts

            assertThatThrownBy(() -> http.execute(with(get("http://localhost:" + a.port() + "/echo", ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.DESTINATION_DENIED);
                        assertThat(f.getMessage()).startsWith("destination localhost (")
                                .containsPattern("is denied by stepwise\\.http\\.deny \\((127\\.0\\.0\\.0/8|::1)\\)");
                    });
            assertThat(a.seen).isEmpty();
        }

        @Test
        void oneDeniedAddressAmongSeveralRefusesTheHost() {
            HttpRequestAction http = new HttpRequestAction(HttpRequestPolicy.defaults(),
                    name -> addresses(name, "127.0.0.1", "169.254.169.254"));

            assertThatThrownBy(() -> http.execute(with(get("http://localhost:" + a.port() + "/echo", ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> assertThat(f.getMessage())
                            .isEqualTo("destination localhost (169.254.169.254) is denied by stepwise.http.deny (169.254.169.254)"));
            assertThat(a.seen).isEmpty();
        }

        @Test
        void aRedirectHopIntoADeniedAddressIsRefused() {
            // localhost "resolves" to the metadata address for the policy; were it let through, the
            // client itself would still only reach 127.0.0.1 (b), which must see nothing
            HttpRequestAction http = new HttpRequestAction(HttpRequestPolicy.defaults(),
                    name -> name.equals("localhost") ? addresses(name, "169.254.169.254") : InetAddress.getAllByName(name));

            assertThatThrownBy(() -> http.execute(with(get(redirect(a, 302, "http://localhost:" + b.port() + "/echo"), CREDENTIALS))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo(HttpRequestAction.DESTINATION_DENIED);
                        assertThat(f.getMessage()).isEqualTo(
                                "destination localhost (169.254.169.254) is denied by stepwise.http.deny (169.254.169.254)");
                    });
            assertThat(a.seen("/redirect")).hasSize(1);
            assertThat(b.seen).isEmpty();
        }

        @Test
        void anAllowListRefusesEverythingElse() throws Exception {
            HttpRequestAction onlyTen = new HttpRequestAction(new HttpRequestPolicy(MIB,
                    DestinationPolicy.of(DestinationPolicy.DEFAULT_DENY, List.of("10.0.0.0/8"))));
            assertThatThrownBy(() -> onlyTen.execute(with(get(a.url("/echo"), ""))))
                    .isInstanceOfSatisfying(HttpRequestAction.Failure.class, f -> assertThat(f.getMessage())
                            .isEqualTo("destination 127.0.0.1 is not in stepwise.http.allow (10.0.0.0/8)"));
            assertThat(a.seen).isEmpty();

            HttpRequestAction onlyLoopback = new HttpRequestAction(new HttpRequestPolicy(MIB,
                    DestinationPolicy.of(DestinationPolicy.DEFAULT_DENY, List.of("127.0.0.1"))));
            assertThat(onlyLoopback.execute(with(get(a.url("/echo"), ""))).get("status").asInt()).isEqualTo(200);
        }

        private static InetAddress[] addresses(String name, String... literals) throws UnknownHostException {
            InetAddress[] out = new InetAddress[literals.length];
            for (int i = 0; i < literals.length; i++) {
                out[i] = InetAddress.getByAddress(name, InetAddress.getByName(literals[i]).getAddress());
            }
            return out;
        }
    }
}
