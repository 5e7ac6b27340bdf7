package io.stepwise.core.internal.yaml;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class PathsTest {
    /** The rule the error paths document: a key prints bare when it matches this, quoted otherwise. */
    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    @Test
    void simpleKeysPrintBareAndOthersQuoted() {
        assertThat(Paths.key("", "steps")).isEqualTo("steps");
        assertThat(Paths.key("steps[2]", "with")).isEqualTo("steps[2].with");
        assertThat(Paths.key("inputs", "ticket-id")).isEqualTo("inputs.ticket-id");
        assertThat(Paths.key("inputs", "odd key")).isEqualTo("inputs[\"odd key\"]");
        assertThat(Paths.key("inputs", "2fa")).isEqualTo("inputs[\"2fa\"]");
        assertThat(Paths.key("inputs", "-x")).isEqualTo("inputs[\"-x\"]");
        assertThat(Paths.key("inputs", "")).isEqualTo("inputs[\"\"]");
        assertThat(Paths.key("inputs", "say \"hi\"")).isEqualTo("inputs[\"say \\\"hi\\\"\"]");
        assertThat(Paths.key("inputs", "é")).isEqualTo("inputs[\"é\"]");
    }

    @Property
    void aKeyPrintsBareExactlyWhenItMatchesTheDocumentedPattern(
            @ForAll @Chars({'_', '$', '-', ' ', '"', '.', 'é'}) @CharRange(from = 'a', to = 'c')
            @CharRange(from = 'X', to = 'Z') @CharRange(from = '0', to = '2') String key) {
        boolean bare = Paths.key("p", key).equals("p." + key);
        assertThat(bare).as(key).isEqualTo(SIMPLE_KEY.matcher(key).matches());
    }
}
