package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the run endpoints accept at the edge, checked in one place before anything is stored or
 * sent to Temporal: no U+0000 in launch inputs, names and keys (PostgreSQL can't store it in text
 * or jsonb, and these are matched, logged and used in expressions as they are); no number beyond a
 * double's range anywhere (Jackson reads {@code 1e400} as Infinity, which the input rules can't
 * compare and JSON can't express); keys ({@code Idempotency-Key}, {@code executionKey}, event
 * {@code id}, correlation keys) of at most {@value #MAX_KEY} characters. Signal and event payloads
 * may hold U+0000: they are data from elsewhere, stored escaped ({@code StoredJson}) and shown as
 * sent. Every problem is collected, each naming its field, then one 400 is thrown.
 */
public final class RequestChecks {
    static final int MAX_KEY = 256;

    private final List<Problem.Error> errors = new ArrayList<>();

    private RequestChecks() {
    }

    public static RequestChecks start() {
        return new RequestChecks();
    }

    /** An identifier the caller picks: short, no NUL. Absent is fine. */
    public RequestChecks key(String field, String value) {
        if (value == null) {
            return this;
        }
        if (value.length() > MAX_KEY) {
            errors.add(Problem.Error.ofField(field, "at most " + MAX_KEY + " characters, not " + value.length()));
        }
        return text(field, value);
    }

    /** Free text such as an event name: no NUL. Absent is fine. */
    public RequestChecks text(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            errors.add(Problem.Error.ofField(field, "must not contain the NUL character (U+0000)"));
        }
        return this;
    }

    /** Launch inputs: every string and field name without NUL, every number finite. */
    public RequestChecks inputs(String field, JsonNode value) {
        walk(field, value, false);
        return this;
    }

    /** A signal or event payload: every number finite; NUL is kept (stored escaped). */
    public RequestChecks payload(String field, JsonNode value) {
        walk(field, value, true);
        return this;
    }

    /** Throws one 400 naming every field that failed, if any did. */
    public void orThrow() {
        if (!errors.isEmpty()) {
            throw new ApiException.BadRequest("the request holds values Stepwise can't accept", errors);
        }
    }

    private void walk(String path, JsonNode value, boolean nulAllowed) {
        if (value == null) {
            return;
        }
        if (value.isTextual()) {
            if (!nulAllowed) {
                text(path, value.textValue());
            }
        } else if (value.isNumber()) {
            if (!Double.isFinite(value.doubleValue())) {
                errors.add(Problem.Error.ofField(path, "must be a finite number within ±1.7976931348623157e308"));
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                walk(path + "[" + i + "]", value.get(i), nulAllowed);
            }
        } else if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!nulAllowed && e.getKey().indexOf('\0') >= 0) {
                    errors.add(Problem.Error.ofField(path, "a field name must not contain the NUL character (U+0000)"));
                }
                walk(path + "." + e.getKey().replace("\0", "\\u0000"), e.getValue(), nulAllowed);
            }
        }
    }
}
