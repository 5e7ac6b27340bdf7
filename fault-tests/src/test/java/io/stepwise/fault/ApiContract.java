package io.stepwise.fault;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Holds the API calls of the fault tests to the OpenAPI document the api-server under test serves,
 * as the api-server's own REST tests are (its OpenApiContract): a response whose status, content
 * type or body the document does not describe fails the test, and so does a request the server
 * accepted that the document says is not valid. Credentials are the server's to judge.
 */
final class ApiContract {
    private final OpenApiInteractionValidator validator;

    private ApiContract(String document) {
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request.security", ValidationReport.Level.IGNORE).build())
                .build();
    }

    /** The contract of the api-server at {@code base}, read from its {@code /q/openapi}. */
    static ApiContract of(HttpClient http, String base) throws Exception {
        HttpResponse<String> document = http.send(HttpRequest.newBuilder(URI.create(base + "/q/openapi"))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/yaml").build(),
                HttpResponse.BodyHandlers.ofString());
        if (document.statusCode() != 200) {
            throw new AssertionError("the api-server at " + base + " serves no OpenAPI document: " + document.statusCode());
        }
        return new ApiContract(document.body());
    }

    /** Fails when the exchange is not one the document describes. */
    void check(String method, URI uri, Map<String, String> headers, String body, HttpResponse<String> response) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, uri.getPath());
        headers.forEach(request::withHeader);
        if (body != null) {
            request.withContentType("application/json").withBody(body);
        }
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
            }
        }
        Request asked = request.build();
        SimpleResponse.Builder answered = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().firstValue("Content-Type").ifPresent(answered::withContentType);
        ValidationReport report = validator.validateResponse(uri.getPath(), asked.getMethod(), answered.build());
        if (response.statusCode() < 400) {
            report = report.merge(validator.validateRequest(asked));
        }
        if (report.hasErrors()) {
            throw new AssertionError(method + " " + uri.getPath() + " answered " + response.statusCode()
                    + ", which the OpenAPI document does not describe:\n" + report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .map(m -> "  - [" + m.getKey() + "] " + m.getMessage()).collect(Collectors.joining("\n"))
                    + "\nbody: " + response.body());
        }
    }
}
