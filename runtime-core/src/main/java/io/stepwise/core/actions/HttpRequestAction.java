package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.dsl.Durations;
import io.stepwise.core.expr.UrlEncoding;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The built-in {@code http.request}: JSON in, {@code {status, headers, body}} out, the body parsed
 * when it is JSON. Status codes outside {@code successCodes} (default 2xx) fail: 4xx for good
 * (the request is wrong; retrying will not help), 5xx and connection errors retryably.
 *
 * <p>Guardrails (docs/dsl-decisions.md, "http.request"): redirects are followed here, not by the
 * JDK client, so that credentials never follow a redirect to another origin; every hop's host is
 * resolved and checked against the {@link DestinationPolicy} before it is connected to; a body is
 * read up to {@link HttpRequestPolicy#maxResponseBytes()} and no further.
 */
public final class HttpRequestAction {
    public static final String CLIENT_ERROR = "HttpClientError";
    public static final String SERVER_ERROR = "HttpServerError";
    public static final String CONNECTION_ERROR = "HttpConnectionError";
    public static final String DESTINATION_DENIED = "HttpDestinationDenied";
    public static final String RESPONSE_TOO_LARGE = "HttpResponseTooLarge";
    public static final String REDIRECT_ERROR = "HttpRedirectError";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Redirects followed for one request; the next one fails the step. */
    public static final int MAX_REDIRECTS = 5;

    /** Headers that carry the caller's identity: sent to the first origin only (and on same-origin hops). */
    private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");
    /** Headers that describe a body: dropped with the body when a redirect turns the request into a GET. */
    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding", "content-language",
            "content-location");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final HttpRequestPolicy policy;
    private final Resolver resolver;

    /** Turns a host name into the addresses a connection may go to; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A failure with a stable type and whether retrying can help. */
    public static final class Failure extends Exception {
        private final String type;
        private final boolean retryable;

        Failure(String type, String message, boolean retryable) {
            super(message);
            this.type = type;
            this.retryable = retryable;
        }

        public String type() {
            return type;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    HttpRequestAction(HttpClient client, HttpRequestPolicy policy, Resolver resolver) {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the client must not follow redirects itself: this action does");
        }
        this.client = client;
        this.policy = policy;
        this.resolver = resolver;
    }

    public HttpRequestAction(HttpRequestPolicy policy, Resolver resolver) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build(), policy, resolver);
    }

    public HttpRequestAction(HttpRequestPolicy policy) {
        this(policy, InetAddress::getAllByName);
    }

    public HttpRequestAction() {
        this(HttpRequestPolicy.defaults());
    }

    public HttpRequestPolicy policy() {
        return policy;
    }

    /** A header as the step wrote it. */
    private record Header(String name, String value) {
        boolean is(Set<String> names) {
            return names.contains(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One request on the way: what to send to which URI. */
    private record Hop(URI uri, String method, List<Header> headers, String body) {
    }

    public JsonNode execute(JsonNode with) throws Failure, InterruptedException {
        String method = with.path("method").asText("GET");
        String url = with.path("url").asText();
        URI uri;
        try {
            uri = URI.create(url + query(with.path("query"), url.contains("?")));
        } catch (IllegalArgumentException e) {
            throw new Failure(CLIENT_ERROR, "invalid url '" + url + "': " + e.getMessage(), false);
        }
        Duration timeout = with.hasNonNull("timeout") ? Durations.parse(with.get("timeout").asText()) : DEFAULT_TIMEOUT;
        boolean followRedirects = followRedirects(with.get("followRedirects"));
        long maxBytes = maxResponseBytes(with.get("maxResponseBytes"));

        List<Header> headers = new ArrayList<>();
        boolean hasContentType = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = with.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.add(new Header(h.getKey(), h.getValue().isTextual() ? h.getValue().textValue() : h.getValue().toString()));
            hasContentType |= h.getKey().equalsIgnoreCase("content-type");
        }
        JsonNode body = with.get("body");
        String text = null;
        if (body != null && !body.isNull()) {
            text = body.isTextual() ? body.textValue() : body.toString();
            if (!hasContentType) {
                headers.add(new Header("Content-Type", body.isTextual() ? "text/plain; charset=utf-8" : "application/json"));
            }
        }

        // with.timeout bounds the whole request, redirects included, as it bounds the activity attempt
        long deadline = System.nanoTime() + timeout.toNanos();
        Hop hop = new Hop(uri, method, headers, text);
        HttpResponse<byte[]> response;
        for (int redirects = 0; ; redirects++) {
            response = send(hop, maxBytes, deadline);
            Optional<Hop> next = followRedirects ? redirect(hop, response, uri) : Optional.empty();
            if (next.isEmpty()) {
                break;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new Failure(REDIRECT_ERROR, method + " " + uri.getHost() + uri.getPath() + ": more than "
                        + MAX_REDIRECTS + " redirects (the last to " + next.get().uri().getHost() + ")", false);
            }
            hop = next.get();
        }
        int status = response.statusCode();
        URI answered = hop.uri();
        if (!successCodes(with.get("successCodes")).test(status)) {
            boolean clientError = status >= 400 && status < 500;
            throw new Failure(clientError ? CLIENT_ERROR : SERVER_ERROR,
                    hop.method() + " " + answered.getHost() + answered.getPath() + " answered " + status, !clientError);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        ObjectNode outHeaders = out.putObject("headers");
        response.headers().map().forEach((k, v) -> outHeaders.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
        out.set("body", parseBody(response));
        return out;
    }

    private HttpResponse<byte[]> send(Hop hop, long maxBytes, long deadline) throws Failure, InterruptedException {
        URI uri = hop.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new Failure(CLIENT_ERROR, "invalid url '" + uri + "': only http and https URLs with a host are requested", false);
        }
        checkDestination(hop.method(), uri.getHost());
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (left.isNegative() || left.isZero()) {
            throw new Failure(CONNECTION_ERROR, hop.method() + " " + uri.getHost() + ": HttpTimeoutException: "
                    + "the request's timeout ran out while following redirects", true);
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(uri).timeout(left);
            for (Header h : hop.headers()) {
                request.header(h.name(), h.value());
            }
        } catch (IllegalArgumentException e) {
            throw new Failure(CLIENT_ERROR, hop.method() + " " + uri.getHost() + ": " + e.getMessage(), false);
        }
        request.method(hop.method(), hop.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(hop.body()));
        try {
            return client.send(request.build(), BoundedBody.handler(maxBytes, hop.method().equals("HEAD")));
        } catch (IOException e) {
            if (causedBy(e, BoundedBody.TooLarge.class)) {
                throw new Failure(RESPONSE_TOO_LARGE, hop.method() + " " + uri.getHost() + uri.getPath()
                        + ": the response is larger than the limit of " + maxBytes + " bytes (with.maxResponseBytes, at most "
                        + HttpRequestPolicy.MAX_RESPONSE_BYTES_SETTING + " = " + policy.maxResponseBytes() + ")", false);
            }
            throw new Failure(CONNECTION_ERROR, hop.method() + " " + uri.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
        }
    }

    /** Every address the host resolves to must be allowed: the client may connect to any of them. */
    private void checkDestination(String method, String host) throws Failure {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new Failure(CONNECTION_ERROR, method + " " + host + ": UnknownHostException: " + e.getMessage(), true);
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.destinations().refusal(host, address);
            if (refusal.isPresent()) {
                throw new Failure(DESTINATION_DENIED, refusal.get(), false);
            }
        }
    }

    /**
     * The request a 301/302/303/307/308 with a Location asks for, or empty when the response is the
     * answer (not a redirect, no Location, or HTTPS to HTTP, which the JDK client never followed either).
     */
    private static Optional<Hop> redirect(Hop hop, HttpResponse<byte[]> response, URI first) throws Failure {
        int status = response.statusCode();
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return Optional.empty();
        }
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty() || location.get().isBlank()) {
            return Optional.empty();
        }
        URI target;
        try {
            target = hop.uri().resolve(location.get().strip());
        } catch (IllegalArgumentException e) {
            throw new Failure(REDIRECT_ERROR, hop.method() + " " + hop.uri().getHost() + hop.uri().getPath()
                    + " redirected to an invalid location '" + location.get() + "'", false);
        }
        if ("https".equalsIgnoreCase(hop.uri().getScheme()) && "http".equalsIgnoreCase(target.getScheme())) {
            return Optional.empty();
        }
        // 303 always, and 301/302 for a POST, become a GET without a body (RFC 9110 15.4; what clients do)
        boolean toGet = (status == 303 && !hop.method().equals("HEAD"))
                || ((status == 301 || status == 302) && hop.method().equals("POST"));
        String method = toGet ? "GET" : hop.method();
        String body = toGet ? null : hop.body();
        boolean sameOrigin = sameOrigin(first, target);
        List<Header> headers = hop.headers().stream()
                .filter(h -> sameOrigin || !h.is(CREDENTIALS))
                .filter(h -> !toGet || !h.is(BODY_HEADERS))
                .toList();
        return Optional.of(new Hop(target, method, headers, body));
    }

    /** Scheme, host and port, the port defaulted by scheme: {@code http://a} and {@code http://a:80} are one origin. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean followRedirects(JsonNode value) throws Failure {
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            throw new Failure(CLIENT_ERROR, "with.followRedirects must be true or false, not " + value, false);
        }
        return value.booleanValue();
    }

    /** The step's limit: the worker's, or a smaller one the step asks for. */
    private long maxResponseBytes(JsonNode value) throws Failure {
        if (value == null || value.isNull()) {
            return policy.maxResponseBytes();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
            throw new Failure(CLIENT_ERROR, "with.maxResponseBytes must be a whole number of bytes, at least 1, not "
                    + value, false);
        }
        if (value.longValue() > policy.maxResponseBytes()) {
            throw new Failure(CLIENT_ERROR, "with.maxResponseBytes " + value.longValue() + " is above this worker's "
                    + HttpRequestPolicy.MAX_RESPONSE_BYTES_SETTING + " (" + policy.maxResponseBytes() + ")", false);
        }
        return value.longValue();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static IntPredicate successCodes(JsonNode codes) {
        if (codes == null || !codes.isArray() || codes.isEmpty()) {
            return s -> s >= 200 && s < 300;
        }
        Set<Integer> allowed = new HashSet<>();
        codes.forEach(c -> allowed.add(c.asInt()));
        return allowed::contains;
    }

    private static JsonNode parseBody(HttpResponse<byte[]> response) {
        byte[] bytes = response.body();
        if (bytes == null || bytes.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String type = response.headers().firstValue("content-type").orElse("");
        String trimmed = text.stripLeading();
        if (type.contains("json") || trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return JSON.readTree(text);
            } catch (IOException notJson) {
                // fall through: keep it as text
            }
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    private static String query(JsonNode query, boolean hasQuery) {
        if (query == null || !query.isObject() || query.isEmpty()) {
            return "";
        }
        StringBuilder q = new StringBuilder(hasQuery ? "&" : "?");
        for (Iterator<Map.Entry<String, JsonNode>> it = query.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            q.append(UrlEncoding.component(e.getKey())).append('=').append(UrlEncoding.component(e.getValue().asText()));
            if (it.hasNext()) {
                q.append('&');
            }
        }
        return q.toString();
    }
}
