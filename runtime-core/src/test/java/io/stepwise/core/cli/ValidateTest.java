package io.stepwise.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./run.sh validate} in process: what it prints and the exit code a CI step branches on. */
class ValidateTest {
    private static final Path DEMO_PACK = Path.of("..", "deploy", "packs", "demo");

    private static final String GOOD = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: good
            version: "1"
            steps:
              - id: first
                uses: transform
                with:
                  value: 1
            """;

    private static final String BROKEN = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: broken
            version: "1"
            steps:
              - id: first
                uses: transform
                with:
                  value: 1
                colour: red
            """;

    @TempDir
    Path root;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome validate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Validate.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path pack(String name, String... files) throws IOException {
        Path workflows = Files.createDirectories(root.resolve(name).resolve("workflows"));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(workflows.resolve(files[i]), files[i + 1]);
        }
        return root.resolve(name);
    }

    @Test
    void aFolderWithOneBrokenFileExitsOneAndNamesTheLineAndColumn() throws IOException {
        Path pack = pack("ops", "good.yaml", GOOD, "broken.yaml", BROKEN);

        Outcome result = validate(pack.toString());

        assertEquals(Validate.INVALID, result.code());
        assertEquals(pack.resolve("workflows/broken.yaml") + ":10:5: steps[0].colour: unknown field 'colour'"
                + " (allowed: id, name, uses, with, when, timeout, retry, continueOnError, forEach)\n", result.out());
        assertTrue(result.err().contains("validate: 2 files, 1 invalid"), result.err());
    }

    @Test
    void theExamplePackIsValid() {
        // its workflow and its pack.yaml
        Outcome result = validate(DEMO_PACK.toString());

        assertEquals(Validate.VALID, result.code(), result.out() + result.err());
        assertEquals("", result.out());
        assertTrue(result.err().contains("validate: 2 files, all valid"), result.err());
    }

    @Test
    void aPacksRootAWorkflowsFolderAndASingleFileAreEachAccepted() throws IOException {
        Path ops = pack("ops", "good.yaml", GOOD);
        pack("billing", "broken.yaml", BROKEN);

        assertEquals(Validate.INVALID, validate(root.toString()).code());
        assertEquals(Validate.VALID, validate(ops.resolve("workflows").toString()).code());
        Outcome single = validate(root.resolve("billing/workflows/broken.yaml").toString());
        assertEquals(Validate.INVALID, single.code());
        assertTrue(single.out().startsWith(root.resolve("billing/workflows/broken.yaml") + ":10:5: "), single.out());
    }

    @Test
    void jsonFormatListsEveryFileWithItsViolations() throws IOException {
        Path pack = pack("ops", "good.yaml", GOOD, "broken.yaml", BROKEN);

        Outcome result = validate("--format", "json", pack.toString());

        assertEquals(Validate.INVALID, result.code());
        JsonNode doc = new ObjectMapper().readTree(result.out());
        assertFalse(doc.get("valid").asBoolean());
        assertEquals(2, doc.get("files").size());
        JsonNode broken = doc.get("files").get(0);
        assertEquals(pack.resolve("workflows/broken.yaml").toString(), broken.get("file").asText());
        assertFalse(broken.get("valid").asBoolean());
        JsonNode violation = broken.get("violations").get(0);
        assertEquals("steps[0].colour", violation.get("path").asText());
        assertEquals(10, violation.get("line").asInt());
        assertEquals(5, violation.get("column").asInt());
        assertTrue(doc.get("files").get(1).get("valid").asBoolean());
    }

    @Test
    void githubFormatWritesAnErrorAnnotation() throws IOException {
        Path pack = pack("ops", "broken.yaml", BROKEN);

        Outcome result = validate("--format=github", pack.toString());

        assertEquals(Validate.INVALID, result.code());
        assertTrue(result.out().startsWith("::error file=" + pack.resolve("workflows/broken.yaml")
                + ",line=10,col=5,title=stepwise validate::steps[0].colour: unknown field 'colour'"), result.out());
    }

    @Test
    void usageErrorsExitTwoAndSayWhat() {
        Outcome none = validate();
        assertEquals(Validate.USAGE, none.code());
        assertTrue(none.err().contains("no PATH given"), none.err());

        Outcome option = validate("--strict", "x");
        assertEquals(Validate.USAGE, option.code());
        assertTrue(option.err().contains("unknown option --strict"), option.err());

        Outcome format = validate("--format", "xml", "x");
        assertEquals(Validate.USAGE, format.code());
        assertTrue(format.err().contains("--format must be text, json or github, not 'xml'"), format.err());

        Outcome missing = validate(root.resolve("nowhere").toString());
        assertEquals(Validate.USAGE, missing.code());
        assertTrue(missing.err().contains(root.resolve("nowhere") + " does not exist"), missing.err());
    }

    @Test
    void aFolderThatHoldsNoPackIsAUsageErrorNotASilentPass() throws IOException {
        Files.createDirectories(root.resolve("empty"));

        Outcome result = validate(root.resolve("empty").toString());

        assertEquals(Validate.USAGE, result.code());
        assertTrue(result.err().contains("is neither a workflow file"), result.err());
    }

    @Test
    void twoFilesForOneNameAreReportedAsAWarning() throws IOException {
        Path pack = pack("ops", "good.yaml", GOOD, "good.yml", GOOD);

        Outcome result = validate(pack.toString());

        assertTrue(result.err().contains("validate: warning: "), result.err());
        assertTrue(result.err().contains("good.yml") || result.err().contains("good.yaml"), result.err());
    }

    @Test
    void aPacksPackYamlIsCheckedWithItsWorkflows() throws IOException {
        Path pack = pack("ops", "good.yaml", GOOD);
        Files.writeString(pack.resolve("pack.yaml"), "description: Operations\ntag: [ops]\n");

        Outcome result = validate(pack.toString());

        assertEquals(Validate.INVALID, result.code());
        assertEquals(pack.resolve("pack.yaml") + ":2:1: tag: unknown field 'tag'; did you mean 'tags'?\n", result.out());
        assertTrue(result.err().contains("validate: 2 files, 1 invalid"), result.err());

        Files.writeString(pack.resolve("pack.yaml"), "description: Operations\ntags: [ops]\n");
        assertEquals(Validate.VALID, validate(pack.toString()).code());
        assertEquals(Validate.VALID, validate(pack.resolve("pack.yaml").toString()).code());
        // the workflows/ folder alone leaves pack.yaml out
        assertTrue(validate(pack.resolve("workflows").toString()).err().contains("1 file, all valid"));
    }
}
