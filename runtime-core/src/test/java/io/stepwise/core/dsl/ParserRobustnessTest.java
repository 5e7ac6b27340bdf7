package io.stepwise.core.dsl;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Random mutations of the valid fixtures: the parser and validator always answer with a result
 * (valid, or violations that say where), never throw and never hang.
 */
class ParserRobustnessTest {
    private static final List<String> FIXTURES = loadFixtures();
    private static final String NOISE = ":{}[]-&*!|>$'\"#,?%@` \t\n\\";
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private final WorkflowParser parser = new WorkflowParser();

    @Property(tries = 400)
    void mutatedDefinitionsAlwaysGiveAResult(@ForAll("mutatedFixtures") String text) {
        LoadResult result = assertTimeoutPreemptively(HANG_GUARD,
                () -> parser.parse(text.getBytes(StandardCharsets.UTF_8), null));
        assertThat(result).isNotNull();
        if (result.valid()) {
            assertThat(result.definition().steps()).isNotEmpty();
            assertThat(result.contentHash()).hasSize(64);
        } else {
            assertThat(result.violations()).isNotEmpty().allSatisfy(v -> {
                assertThat(v.message()).isNotBlank();
                assertThat(v.path()).isNotNull();
            });
        }
    }

    @Provide
    Arbitrary<String> mutatedFixtures() {
        Arbitrary<String> fixture = Arbitraries.of(FIXTURES);
        Arbitrary<List<Tuple.Tuple3<Integer, Integer, Character>>> edits = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 1_000_000),
                        Arbitraries.of(NOISE.chars().mapToObj(c -> (char) c).toList()))
                .as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(8);
        return Combinators.combine(fixture, edits).as(ParserRobustnessTest::mutate);
    }

    private static String mutate(String text, List<Tuple.Tuple3<Integer, Integer, Character>> edits) {
        StringBuilder s = new StringBuilder(text);
        for (var edit : edits) {
            if (s.isEmpty()) {
                break;
            }
            int at = edit.get2() % s.length();
            char c = edit.get3();
            switch (edit.get1()) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, c);
                case 2 -> s.setCharAt(at, c);
                case 3 -> { // duplicate a line
                    int start = s.lastIndexOf("\n", at - 1) + 1;
                    int end = s.indexOf("\n", start);
                    end = end < 0 ? s.length() : end;
                    s.insert(start, s.substring(start, end) + "\n");
                }
                case 4 -> { // drop a line
                    int start = s.lastIndexOf("\n", at - 1) + 1;
                    int end = s.indexOf("\n", start);
                    s.delete(start, end < 0 ? s.length() : end + 1);
                }
                default -> { // indent or dedent a line
                    int start = s.lastIndexOf("\n", at - 1) + 1;
                    if (c == ' ' || start >= s.length() || s.charAt(start) != ' ') {
                        s.insert(start, "  ");
                    } else {
                        s.deleteCharAt(start);
                    }
                }
            }
        }
        return s.toString();
    }

    private static List<String> loadFixtures() {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/workflows/valid"))) {
            List<String> texts = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                texts.add(Files.readString(f));
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
