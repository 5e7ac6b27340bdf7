package io.stepwise.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stepwise.core.dsl.Violation;

import java.util.List;

/** RFC 9457 problem details, as API.md's "Errors" describes them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<Error> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One thing wrong: a request {@code field}, or a {@code path} into a definition with its position. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String field, String path, Integer line, Integer column, String message) {

        public static Error ofField(String field, String message) {
            return new Error(field, null, null, null, message);
        }

        public static Error ofViolation(Violation v) {
            return new Error(null, v.path(), v.line(), v.column(), v.message());
        }

        public static List<Error> ofViolations(List<Violation> violations) {
            return violations.stream().map(Error::ofViolation).toList();
        }
    }
}
