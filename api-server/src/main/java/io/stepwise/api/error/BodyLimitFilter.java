package io.stepwise.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * A body announced (Content-Length) over {@code quarkus.http.limits.max-body-size} gets the 413 of
 * API.md's "Errors" as {@code application/problem+json}. Quarkus' own check, one route later,
 * answers with an empty body; this one runs first and answers the same status, with a problem.
 * A chunked body (no Content-Length) is only found too large while RESTEasy reads it, and that
 * still gets Quarkus' bare 413 (DefinitionApiTest has the disabled test for it).
 */
@ApplicationScoped
public class BodyLimitFilter {
    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    public BodyLimitFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
                           ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void install(@Observes Router router) {
        if (limit.isEmpty()) {
            return;
        }
        long max = limit.get().asLongValue();
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(ctx -> check(ctx, max));
    }

    private void check(RoutingContext ctx, long max) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long announced;
        try {
            announced = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            ctx.next();
            return;
        }
        if (announced <= max) {
            ctx.next();
            return;
        }
        Problem problem = new Problem("about:blank", "Request Entity Too Large", 413,
                "the request body is " + announced + " bytes; the limit is " + max + " bytes", null);
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"Request Entity Too Large\",\"status\":413}";
        }
        // the rest of the body is not read: close the connection once the answer is out, as Quarkus does
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(v -> ctx.request().connection().close())
                .end(body);
    }
}
