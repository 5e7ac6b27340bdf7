package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.dsl.Durations;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The built-in {@code http.request}: JSON in, {@code {status, headers, body}} out, the body parsed
 * when it is JSON. Status codes outside {@code successCodes} (default 2xx) fail: 4xx for good
 * (the request is wrong; retrying will not help), 5xx and connection errors retryably.
 */
public final class HttpRequestAction {
    public static final String CLIENT_ERROR = "HttpClientError";
    public static final String SERVER_ERROR = "HttpServerError";
    public static final String CONNECTION_ERROR = "HttpConnectionError";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;

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

    public HttpRequestAction(HttpClient client) {
        this.client = client;
    }

    public HttpRequestAction() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build());
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
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        boolean hasContentType = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = with.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            request.header(h.getKey(), h.getValue().isTextual() ? h.getValue().textValue() : h.getValue().toString());
            hasContentType |= h.getKey().equalsIgnoreCase("content-type");
        }
        JsonNode body = with.get("body");
        if (body != null && !body.isNull()) {
            String text = body.isTextual() ? body.textValue() : body.toString();
            if (!hasContentType) {
                request.header("Content-Type", body.isTextual() ? "text/plain; charset=utf-8" : "application/json");
            }
            request.method(method, HttpRequest.BodyPublishers.ofString(text));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Failure(CONNECTION_ERROR, method + " " + uri.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
        }
        int status = response.statusCode();
        if (!successCodes(with.get("successCodes")).test(status)) {
            boolean clientError = status >= 400 && status < 500;
            throw new Failure(clientError ? CLIENT_ERROR : SERVER_ERROR,
                    method + " " + uri.getHost() + uri.getPath() + " answered " + status, !clientError);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        ObjectNode headers = out.putObject("headers");
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
        out.set("body", parseBody(response));
        return out;
    }

    private static java.util.function.IntPredicate successCodes(JsonNode codes) {
        if (codes == null || !codes.isArray() || codes.isEmpty()) {
            return s -> s >= 200 && s < 300;
        }
        Set<Integer> allowed = new HashSet<>();
        codes.forEach(c -> allowed.add(c.asInt()));
        return allowed::contains;
    }

    private static JsonNode parseBody(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isEmpty()) {
            return JsonNodeFactory.instance.nullNode();
        }
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

    /** Percent-encoding for a query component; a space is %20, not the form encoding's '+'. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(JsonNode query, boolean hasQuery) {
        if (query == null || !query.isObject() || query.isEmpty()) {
            return "";
        }
        StringBuilder q = new StringBuilder(hasQuery ? "&" : "?");
        for (Iterator<Map.Entry<String, JsonNode>> it = query.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            q.append(encode(e.getKey())).append('=').append(encode(e.getValue().asText()));
            if (it.hasNext()) {
                q.append('&');
            }
        }
        return q.toString();
    }
}
