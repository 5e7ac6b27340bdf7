package io.stepwise.api.runs;

import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code wait} query parameter (API.md, "Waiting for a run"): {@code 30s}, {@code 500ms}, {@code 1m} or seconds; at most a minute. */
final class WaitParam {
    static final Duration MAX = Duration.ofSeconds(60);
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private WaitParam() {
    }

    /** Zero when absent. */
    static Duration parse(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(wait.trim());
        if (!m.matches()) {
            throw invalid("'" + wait + "' is not a duration such as 30s, 500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(MAX) > 0) {
            throw invalid("at most " + MAX.toSeconds() + "s, not " + wait);
        }
        return d;
    }

    private static ApiException invalid(String detail) {
        return new ApiException.BadRequest("wait: " + detail, List.of(Problem.Error.ofField("wait", detail)));
    }
}
