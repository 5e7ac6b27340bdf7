package io.stepwise.bootstrap.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Timestamps as native queries hand them back (Instant, OffsetDateTime or Timestamp, by driver and Hibernate version). */
public final class SqlTimes {
    private SqlTimes() {
    }

    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + value.getClass());
    }

    public static OffsetDateTime offset(Object value) {
        Instant i = instant(value);
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
