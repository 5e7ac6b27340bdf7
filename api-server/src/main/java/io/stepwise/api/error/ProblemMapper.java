package io.stepwise.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** The one place where failures become responses: {@code application/problem+json}, never a stack trace. */
public class ProblemMapper {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response domain(ApiException e) {
        if (e.status() >= 500) {
            LOG.errorf(e, "request_failed status=%d detail=%s", e.status(), e.getMessage());
        } else {
            LOG.debugf("request_refused status=%d detail=%s", e.status(), e.getMessage());
        }
        Response.ResponseBuilder response = respond(e.status(), e.title(), e.getMessage(), e.errors());
        if (e.status() == 503) {
            response.header("Retry-After", "5");
        }
        return response.build();
    }

    /** A request field the API does not know: a 400 naming it, never silence (API.md, "Errors"). */
    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(e.getPropertyName());
        return respond(400, "Bad Request", "unknown field '" + field + "' in the request body",
                List.of(Problem.Error.ofField(field, "this field is not part of the request; known fields: "
                        + e.getKnownPropertyIds()))).build();
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return respond(400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), null).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 413 -> "the request body is larger than the limit (1 MiB by default)";
            case 415 -> "the request body must be application/json; an action that takes options may also be sent"
                    + " with no body at all";
            default -> e.getMessage();
        };
        return respond(status, title, detail, null).build();
    }

    /** 403 from {@code @RolesAllowed}: the caller is known but lacks the role. */
    /** No token, or one that fails verification (signature, issuer, expiry, {@code alg: none}). */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return respond(401, "Unauthorized", "a valid bearer token is required (RS256, from the configured issuer)", null)
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(403, "Forbidden", "this action needs a role the caller does not have", null).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (databaseUnreachable(e)) {
            // a restart or a failover: nothing was done, and the same request will work shortly
            LOG.warnf("request_failed status=503 reason=\"database unreachable\" detail=%s", e.getMessage());
            return respond(503, "Service Unavailable", "the database cannot be reached; try again shortly", null)
                    .header("Retry-After", "5").build();
        }
        LOG.error("request_failed status=500", e);
        return respond(500, "Internal Server Error", "an unexpected error happened; the server log has the details",
                null).build();
    }

    /**
     * Whether the failure is the database being out of reach: a connection refused or broken (SQL
     * state class 08), the server shutting down (57P01 to 57P03), or no connection to be had from the
     * pool in time.
     */
    static boolean databaseUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0")
                        || String.valueOf(sql.getMessage()).startsWith("Acquisition timeout")) {
                    return true;
                }
            }
            if (t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
        }
        return false;
    }

    private static Response.ResponseBuilder respond(int status, String title, String detail, List<Problem.Error> errors) {
        Problem body = new Problem("about:blank", title, status, detail, errors == null || errors.isEmpty() ? null : errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
    }
}
