package io.stepwise.core.runtime;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeTimesTest {

    /** Every time the interpreter can write, from year 0000 to 9999, reads back as Instant.parse reads it. */
    @Property(tries = 5_000)
    void whatTheInterpreterWritesReadsBackAsInstantParseReadsIt(
            @ForAll @LongRange(min = -62_167_219_200_000L, max = 253_402_300_799_999L) long millis) {
        String at = Instant.ofEpochMilli(millis).toString();
        assertThat(ChangeTimes.epochMillis(at)).as(at).isEqualTo(Instant.parse(at).toEpochMilli()).isEqualTo(millis);
    }

    @Test
    void wholeSecondsAndTheEpochEdgesRead() {
        assertThat(ChangeTimes.epochMillis("1970-01-01T00:00:00Z")).isZero();
        assertThat(ChangeTimes.epochMillis("2026-12-07T12:55:01Z")).isEqualTo(Instant.parse("2026-12-07T12:55:01Z").toEpochMilli());
        assertThat(ChangeTimes.epochMillis("2024-02-29T23:59:59.999Z"))
                .isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli());
        assertThat(ChangeTimes.epochMillis("1969-12-31T23:59:59.999Z")).isEqualTo(-1);
    }

    @Test
    void otherFormsGoToInstantParse() {
        // more digits than the workflow clock has, and a year past 9999: Instant.parse's answer
        assertThat(ChangeTimes.epochMillis("2026-12-07T12:55:01.123456Z")).isEqualTo(Instant.parse("2026-12-07T12:55:01.123456Z").toEpochMilli());
        assertThat(ChangeTimes.epochMillis("+10000-01-01T00:00:00Z")).isEqualTo(Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli());
        // what the arithmetic leaves to Instant.parse: the end of a day and a leap second
        assertThat(ChangeTimes.epochMillis("2026-12-07T24:00:00Z")).isEqualTo(Instant.parse("2026-12-08T00:00:00Z").toEpochMilli());
        assertThat(ChangeTimes.epochMillis("2026-12-07T23:59:60Z")).isEqualTo(Instant.parse("2026-12-07T23:59:59Z").toEpochMilli());
    }

    @Test
    void whatInstantParseRefusesIsStillRefused() {
        for (String bad : new String[]{"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-12-07T12:60:00Z", "2026-12-07T12:55:0xZ", "2026-12-07 12:55:01Z", "", "yesterday"}) {
            assertThatThrownBy(() -> ChangeTimes.epochMillis(bad)).as(bad).isInstanceOf(DateTimeException.class);
        }
    }
}
