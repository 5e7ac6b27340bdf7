package io.stepwise.core.dsl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as authors write them: {@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 1d}, or ISO-8601 {@code PT1H30M}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|d|h|m|s)");
    private static final List<String> ORDER = List.of("d", "h", "m", "s", "ms");

    private Durations() {
    }

    /** Parses a duration; the exception's message says what is accepted. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase());
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        int lastUnit = -1;
        while (m.find() && m.start() == end) {
            int unit = ORDER.indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw invalid(text);
            }
            lastUnit = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw invalid(text);
        }
        return total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 1d, 1h30m or PT1H30M");
    }
}
