package io.stepwise.api.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Holds every REST test to the OpenAPI document the server under test serves ({@code /q/openapi}):
 * a response whose status, content type or body the document does not describe fails the test,
 * and so does a request the server accepted (any status below 400) that the document says is not
 * valid. Requests sent wrong on purpose are answered with a documented error, which is checked.
 * Installed for every REST test by {@link StepwiseTestResource}; only the API ({@code /api/}) is held,
 * not the test-only endpoints the document leaves out.
 */
public final class OpenApiContract implements Filter {
    private static final Map<String, java.util.Optional<OpenApiInteractionValidator>> BY_SERVER = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext ctx) {
        Response response = ctx.next(request, responseSpec);
        URI uri = URI.create(request.getURI());
        if (!uri.getPath().startsWith("/api/") || uri.getPath().startsWith("/api/v1/test-only/")) {
            return response;
        }
        OpenApiInteractionValidator validator = BY_SERVER.computeIfAbsent(uri.getScheme() + "://" + uri.getAuthority(),
                OpenApiContract::load).orElse(null);
        if (validator == null) {
            return response; // a port that serves no API document (the management interface) serves no API
        }
        Request asked = RestAssuredRequest.of(request);
        ValidationReport report = validator.validateResponse(asked.getPath(), asked.getMethod(),
                RestAssuredResponse.of(response));
        if (response.statusCode() < 400) {
            ValidationReport sent = validator.validateRequest(asked);
            if (asked.getBody().isEmpty()) {
                // a request with no body has no media type, whatever its Content-Type header says
                sent = ValidationReport.from(sent.getMessages().stream()
                        .filter(m -> !m.getKey().equals("validation.request.contentType.notAllowed")).toList());
            }
            report = report.merge(sent);
        }
        if (report.hasErrors()) {
            throw new AssertionError(request.getMethod() + " " + uri.getPath() + " answered " + response.statusCode()
                    + ", which the OpenAPI document does not describe:\n" + report.getMessages().stream()
                    .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                    .map(m -> "  - [" + m.getKey() + "] " + m.getMessage()).collect(Collectors.joining("\n"))
                    + "\nbody: " + response.asString());
        }
        return response;
    }

    private static java.util.Optional<OpenApiInteractionValidator> load(String server) {
        try {
            HttpResponse<String> document = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/q/openapi"))
                    .header("Accept", "application/yaml").build(), HttpResponse.BodyHandlers.ofString());
            if (document.statusCode() != 200) {
                return java.util.Optional.empty();
            }
            // credentials are the server's to judge (it answered 401 or it did not), and RestAssured's
            // auth().oauth2() adds its header below the filters, where no filter can see it
            return java.util.Optional.of(OpenApiInteractionValidator.createForInlineApiSpecification(document.body())
                    .withLevelResolver(com.atlassian.oai.validator.report.LevelResolver.create()
                            .withLevel("validation.request.security", ValidationReport.Level.IGNORE).build())
                    .build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
