package io.stepwise.core.runtime;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the time of a {@link ProjectionChange}. The interpreter writes it as {@link Instant#toString}
 * of the workflow clock, which has millisecond precision: {@code 2026-12-07T12:55:01.123Z}, or
 * {@code 2026-12-07T12:55:01Z} on a whole second. The projection reads one back for every change
 * it writes, and {@link Instant#parse} (through DateTimeFormatter) was 5% of a loaded worker's
 * samples (JFR during deploy/bench/e2e.sh). That form is read here with arithmetic; any other text
 * goes to {@link Instant#parse}, which accepts it or throws as before.
 */
public final class ChangeTimes {
    private ChangeTimes() {
    }

    public static long epochMillis(String at) {
        long fast = canonical(at);
        return fast != Long.MIN_VALUE ? fast : Instant.parse(at).toEpochMilli();
    }

    /** The millis of {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z}, or Long.MIN_VALUE for any other text. */
    private static long canonical(String s) {
        int n = s.length();
        if ((n != 20 && n != 24) || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z' || (n == 24 && s.charAt(19) != '.')) {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int milli = n == 24 ? digits(s, 20, 3) : 0;
        if ((year | month | day | hour | minute | second | milli) < 0 || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
        return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
    }

    /** The number written with {@code count} ASCII digits from {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
