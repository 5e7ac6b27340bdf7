package io.stepwise.core.dsl;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per fixture. Valid fixtures load without a violation; each invalid fixture starts with
 * {@code # expect: line=N path=P message=M} and must produce that violation (message as a substring).
 */
class WorkflowFixturesTest {
    private static final Path ROOT = Path.of("src/test/resources/workflows");
    private static final Pattern EXPECT = Pattern.compile("# expect: line=(\\d+) path=(\\S*) message=(.+)");
    private final WorkflowParser parser = new WorkflowParser();

    @TestFactory
    Stream<DynamicTest> validFixturesLoadWithoutViolations() throws IOException {
        return fixtures("valid").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            LoadResult result = parser.parse(Files.readAllBytes(file), file.getFileName().toString());
            assertThat(result.violations()).as("violations of %s", file).isEmpty();
            assertThat(result.valid()).isTrue();
            assertThat(result.definition().name()).isEqualTo(WorkflowParser.baseName(file.getFileName().toString()));
            assertThat(result.contentHash()).hasSize(64);
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFixturesReportWhatAndWhere() throws IOException {
        List<Path> files = fixtures("invalid").toList();
        assertThat(files).hasSizeGreaterThanOrEqualTo(25);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String text = Files.readString(file);
            Matcher expect = EXPECT.matcher(text.lines().findFirst().orElse(""));
            assertThat(expect.matches()).as("%s starts with an expectation line", file).isTrue();
            int line = Integer.parseInt(expect.group(1));
            String path = expect.group(2);
            String message = expect.group(3).strip();

            LoadResult result = parser.parse(Files.readAllBytes(file), file.getFileName().toString());

            assertThat(result.valid()).isFalse();
            assertThat(result.definition()).isNull();
            assertThat(result.violations())
                    .as("violations of %s", file.getFileName())
                    .anySatisfy(v -> {
                        assertThat(v.message()).contains(message);
                        assertThat(v.path()).isEqualTo(path);
                        assertThat(v.line()).isEqualTo(line);
                        assertThat(v.column()).isPositive();
                    });
        }));
    }

    private static Stream<Path> fixtures(String kind) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(kind))) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList().stream();
        }
    }
}
