package io.stepwise.api.error;

import java.util.List;

/**
 * A failure the caller can act on, with its HTTP status. The subclasses are the domain's
 * vocabulary; {@link ProblemMapper} turns every one into {@code application/problem+json}.
 */
public abstract class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<Problem.Error> errors;

    protected ApiException(int status, String title, String detail, List<Problem.Error> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem.Error> errors() {
        return errors;
    }

    /** 404: the thing named does not exist. */
    public static final class NotFound extends ApiException {
        public NotFound(String detail) {
            super(404, "Not Found", detail, null);
        }
    }

    /** 409: the thing exists but its state forbids the action. */
    public static final class Conflict extends ApiException {
        public Conflict(String detail) {
            this(detail, null);
        }

        /** With {@code errors}: each thing in the way, where the caller can fix it. */
        public Conflict(String detail, List<Problem.Error> errors) {
            super(409, "Conflict", detail, errors);
        }
    }

    /** 400: the request is malformed or fails validation; {@code errors} say where. */
    public static final class BadRequest extends ApiException {
        public BadRequest(String detail, List<Problem.Error> errors) {
            super(400, "Bad Request", detail, errors);
        }

        public BadRequest(String detail) {
            this(detail, null);
        }
    }

    /** 415: a body in a media type the operation does not read. */
    public static final class UnsupportedMediaType extends ApiException {
        public UnsupportedMediaType(String detail) {
            super(415, "Unsupported Media Type", detail, null);
        }
    }

    /** 429: a limit such as a workflow's concurrency is reached. */
    public static final class LimitReached extends ApiException {
        public LimitReached(String detail) {
            super(429, "Too Many Requests", detail, null);
        }
    }

    /** 503: a dependency (database, Temporal, the packs root) is down. */
    public static final class Unavailable extends ApiException {
        public Unavailable(String detail) {
            super(503, "Service Unavailable", detail, null);
        }
    }
}
