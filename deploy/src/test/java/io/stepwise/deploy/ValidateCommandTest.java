package io.stepwise.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./run.sh validate} as a packs repository's CI step runs it: the script itself, with a database
 * and a Temporal that nothing answers on, and no token.
 */
class ValidateCommandTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();

    private record Result(int exit, String out, String err) {}

    private static Result validate(Path home, Path workDir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", ROOT.resolve("run.sh").toString(), "validate"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("STEPWISE_HOME", home.toString());
        // nothing listens on port 1: a validate that reached for either would fail
        env.put("STEPWISE_DB_URL", "jdbc:postgresql://127.0.0.1:1/none");
        env.put("STEPWISE_TEMPORAL_TARGET", "127.0.0.1:1");
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // a first call may build the api-server when its jar is older than the sources
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("run.sh validate did not finish in 10 minutes");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void aFolderWithOneBrokenFileExits1WithFileLineColumnMessage(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"));
        Path pack = tmp.resolve("packs/shop");
        write(pack.resolve("workflows/good.yaml"), """
                apiVersion: stepwise/v1
                kind: Workflow
                name: good
                steps:
                  - id: wait
                    uses: time.wait
                    with: { duration: 1s }
                """);
        write(pack.resolve("workflows/broken.yaml"), """
                apiVersion: stepwise/v1
                kind: Workflow
                name: broken
                steps:
                  - id: wait
                    uses: time.wait
                    with: { duration: 1s }
                    colour: blue
                """);

        Result result = validate(home, tmp, "packs/shop");

        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        assertThat(result.out()).startsWith("packs/shop/workflows/broken.yaml:8:5: steps[0].colour: unknown field 'colour'");
        assertThat(result.out().lines()).hasSize(1);
        assertThat(result.err()).contains("validate: 2 files, 1 invalid");
        try (Stream<Path> written = Files.list(home)) {
            assertThat(written).as("validate writes nothing under STEPWISE_HOME").isEmpty();
        }
    }

    @Test
    void theExamplePackExits0(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"));

        Result result = validate(home, ROOT, "deploy/packs/demo", "--format", "json");

        assertThat(result.exit()).as(result.err()).isEqualTo(0);
        assertThat(result.out()).startsWith("{").contains("deploy/packs/demo/workflows/hello-approval.yaml")
                .doesNotContain("false");
        assertThat(result.err()).contains("all valid");
    }
}
