package io.stepwise.core.dsl;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.SampleEchoAction;
import io.stepwise.core.actions.WithRules;
import io.stepwise.core.internal.dsl.Vocabulary;
import io.stepwise.core.internal.yaml.StrictYamlReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * docs/workflow.schema.json is what {@link WorkflowSchema} generates, it is a sound draft 2020-12
 * schema, it knows every field the reader knows, and it agrees with the reader on the fixtures.
 */
class WorkflowSchemaTest {
    private static final Path COMMITTED = Path.of("../docs/workflow.schema.json");
    private static final Path FIXTURES = Path.of("src/test/resources/workflows");
    private static final Path DEMO_PACK = Path.of("../deploy/packs/demo/workflows");
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder().build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /**
     * Invalid fixtures whose fault a JSON Schema cannot see, each with the reason. Every other
     * invalid fixture must fail the schema; these must pass it (or not be a single YAML document
     * at all), so the list stays honest when the schema learns more.
     */
    private static final Map<String, String> BEYOND_A_SCHEMA = new TreeMap<>(Map.ofEntries(
            // the YAML itself: refused before there is a document to check
            Map.entry("alias-bomb.yaml", "alias expansion limit of the YAML reader"),
            Map.entry("alias-to-nothing.yaml", "an alias with no anchor is a YAML error"),
            Map.entry("duplicate-key.yaml", "duplicate keys are a YAML error"),
            Map.entry("too-deep.yaml", "nesting depth limit of the YAML reader"),
            Map.entry("too-many-aliases.yaml", "alias count limit of the YAML reader"),
            Map.entry("two-documents.yaml", "one document per file; a schema sees one document"),
            Map.entry("yaml-syntax-error.yaml", "not YAML"),
            // expressions: their syntax and scopes are CEL's, read by the reader
            Map.entry("expression-syntax-error.yaml", "CEL syntax inside ${{ }}"),
            Map.entry("expression-unclosed.yaml", "a ${{ without }} is still a string holding ${{"),
            Map.entry("expression-unknown-variable.yaml", "expression scopes"),
            Map.entry("item-outside-foreach.yaml", "expression scopes"),
            Map.entry("nested-step-read-from-outside.yaml", "expression scopes"),
            Map.entry("step-referenced-before-it-runs.yaml", "step order"),
            Map.entry("step-references-itself.yaml", "step order"),
            Map.entry("trigger-reads-steps.yaml", "expression scopes"),
            Map.entry("unknown-step-reference.yaml", "step references"),
            // relations between values and with the file
            Map.entry("duplicate-nested-step-id.yaml", "ids unique across the whole workflow"),
            Map.entry("duplicate-step-id.yaml", "ids unique across the whole workflow"),
            Map.entry("input-bad-pattern.yaml", "whether a pattern compiles as a Java regular expression"),
            Map.entry("input-default-out-of-range.yaml", "a default compared with its sibling minimum and maximum"),
            Map.entry("name-differs-from-file.yaml", "name equals the file's base name"),
            Map.entry("trigger-sets-undeclared-input.yaml", "trigger inputs compared with the declared inputs")));

    private static final ObjectNode SCHEMA = WorkflowSchema.generate(ActionCatalog.of(List.of()));

    @Test
    void committedFileIsTheGeneratedSchema() throws IOException {
        String generated = WorkflowSchema.render(ActionCatalog.of(List.of()));
        if (Boolean.getBoolean("stepwise.schema.write")) {
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        assertThat(committed)
                .as("docs/workflow.schema.json is out of date; regenerate it from runtime-core with "
                        + "../mvnw -o test -Dtest=WorkflowSchemaTest -Dstepwise.schema.write=true "
                        + "(or run io.stepwise.core.dsl.WorkflowSchema's main) and commit it")
                .isEqualTo(generated);
    }

    @Test
    void isAValidDraft202012Schema() {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of(WorkflowSchema.DIALECT));
        assertThat(meta.validate(SCHEMA)).isEmpty();
        assertThat(SCHEMA.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(SCHEMA.get("$id").asText()).isEqualTo(WorkflowSchema.ID);
    }

    @Test
    void everyRefPointsAtADefinition() {
        List<String> refs = new ArrayList<>();
        collectRefs(SCHEMA, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/$defs/");
            assertThat(SCHEMA.at(ref.substring(1)).isMissingNode()).as("target of %s", ref).isFalse();
        }
    }

    @TestFactory
    Stream<DynamicTest> validFixturesPass() throws IOException {
        return files(FIXTURES.resolve("valid")).map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> assertThat(errors(SCHEMA, read(file))).as("schema errors of %s", file).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> demoPackPasses() throws IOException {
        List<Path> files = files(DEMO_PACK).toList();
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            assertThat(Files.readAllLines(file).get(0))
                    .isEqualTo("# yaml-language-server: $schema=../../../../docs/workflow.schema.json");
            assertThat(errors(SCHEMA, read(file))).as("schema errors of %s", file).isEmpty();
            // the modeline is a comment: the reader loads the file as before
            LoadResult loaded = new WorkflowParser().parse(Files.readAllBytes(file), file.getFileName().toString());
            assertThat(loaded.violations()).isEmpty();
            assertThat(loaded.valid()).isTrue();
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFixturesFailUnlessBeyondASchema() throws IOException {
        List<Path> files = files(FIXTURES.resolve("invalid")).toList();
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        assertThat(names).as("every exempt fixture exists").containsAll(BEYOND_A_SCHEMA.keySet());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            JsonNode doc;
            try {
                doc = read(file);
            } catch (IOException notOneYamlDocument) {
                assertThat(BEYOND_A_SCHEMA).as("%s does not read as YAML: %s", name, notOneYamlDocument.getMessage())
                        .containsKey(name);
                return;
            }
            List<Error> errors = errors(SCHEMA, doc);
            if (BEYOND_A_SCHEMA.containsKey(name)) {
                assertThat(errors).as("%s is exempt (%s) but the schema now refuses it: take it off the list",
                        name, BEYOND_A_SCHEMA.get(name)).isEmpty();
            } else {
                assertThat(errors).as("the schema accepts %s", name).isNotEmpty();
            }
        }));
    }

    /** Every field the reader allows is in the schema at the place the reader reads it. */
    @Test
    void knowsEveryFieldTheReaderKnows() {
        assertFields(SCHEMA, Vocabulary.TOP);
        Map<String, List<Vocabulary.Field>> defs = Map.of("step", Vocabulary.STEP, "forEach", Vocabulary.FOREACH,
                "retry", Vocabulary.RETRY, "input", Vocabulary.INPUT, "trigger", Vocabulary.TRIGGER,
                "concurrency", Vocabulary.CONCURRENCY);
        defs.forEach((def, fields) -> assertFields(SCHEMA.at("/$defs/" + def), fields));
    }

    @Test
    void knowsEveryActionAndItsWithFields() {
        ActionCatalog actions = ActionCatalog.of(List.of(new SampleEchoAction()));
        ObjectNode schema = WorkflowSchema.generate(actions);
        List<String> listed = new ArrayList<>();
        schema.at("/$defs/action/enum").forEach(n -> listed.add(n.asText()));
        assertThat(listed).containsExactlyElementsOf(actions.names()).contains("sample.echo", "http.request");
        for (String action : actions.names()) {
            WithRules rules = actions.rules(action).orElseThrow();
            JsonNode with = withOf(schema, action);
            if (rules.open()) {
                assertThat(with.has("additionalProperties")).as("%s is open", action).isFalse();
                continue;
            }
            assertThat(with.get("additionalProperties").asBoolean(true)).as("%s is closed", action).isFalse();
            List<String> required = new ArrayList<>();
            with.path("required").forEach(n -> required.add(n.asText()));
            for (WithRules.FieldRule field : rules.declared()) {
                assertThat(with.path("properties").has(field.name())).as("%s with.%s", action, field.name()).isTrue();
                assertThat(required.contains(field.name())).as("%s with.%s required", action, field.name())
                        .isEqualTo(field.required());
                if (!field.choices().isEmpty()) {
                    List<String> choices = new ArrayList<>();
                    with.path("properties").path(field.name()).path("anyOf").path(0).path("enum")
                            .forEach(n -> choices.add(n.asText()));
                    assertThat(choices).as("%s with.%s choices", action, field.name())
                            .containsExactlyInAnyOrderElementsOf(field.choices());
                }
            }
            assertThat(with.path("properties").size()).isEqualTo(rules.declared().size());
        }
    }

    @Test
    void withFieldsFollowTheirKindAndTakeExpressions() throws IOException {
        assertThat(errors(SCHEMA, oneStep("uses: http.request\n    with: { method: GET, url: 'http://x' }"))).isEmpty();
        // any with value may be an expression, checked only when the run reaches it
        assertThat(errors(SCHEMA, oneStep("uses: http.request\n    with: { method: '${{ inputs.m }}', url: 'http://x',"
                + " timeout: '${{ inputs.t }}', successCodes: '${{ inputs.c }}', followRedirects: '${{ true }}' }")))
                .isEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: http.request\n    with: { method: GET, url: 'http://x', successCodes: [200, 700] }")))
                .isNotEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: http.request\n    with: { method: GET, url: 'http://x', successCodes: [] }")))
                .isNotEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: http.request\n    with: { method: GET, url: 'http://x', headers: [a] }")))
                .isNotEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: http.request"))).as("required fields need a with").isNotEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: log\n    with: { message: ~ }"))).isNotEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: time.wait\n    with: { until: '2026-11-22T10:00:00Z' }"))).isEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: time.wait\n    with: {}"))).isNotEmpty();
        // noop takes anything, a forEach step nothing
        assertThat(errors(SCHEMA, oneStep("uses: noop\n    with: [1, 2]"))).isEmpty();
        assertThat(errors(SCHEMA, oneStep("uses: noop"))).isEmpty();
        assertThat(errors(SCHEMA, oneStep("forEach: { items: [1], steps: [ { id: b, uses: noop } ] }\n    with: {}")))
                .isNotEmpty();
        // a plug-in's rules come from the catalog the schema is generated with
        ObjectNode withPlugin = WorkflowSchema.generate(ActionCatalog.of(List.of(new SampleEchoAction())));
        assertThat(errors(SCHEMA, oneStep("uses: sample.echo"))).isNotEmpty();
        assertThat(errors(withPlugin, oneStep("uses: sample.echo\n    with: { value: 1 }"))).isEmpty();
        assertThat(errors(withPlugin, oneStep("uses: sample.echo\n    with: { other: 1 }"))).isNotEmpty();
    }

    @Test
    void inputFieldsFollowTheInputsType() throws IOException {
        assertThat(errors(SCHEMA, withInput("{ type: integer, default: 3, minimum: 1, maximum: 5 }"))).isEmpty();
        assertThat(errors(SCHEMA, withInput("{ type: string, enum: [a, b], pattern: '^[ab]$' }"))).isEmpty();
        assertThat(errors(SCHEMA, withInput("{ type: string, minimum: 1 }"))).isNotEmpty();
        assertThat(errors(SCHEMA, withInput("{ type: integer, pattern: x }"))).isNotEmpty();
        assertThat(errors(SCHEMA, withInput("{ type: boolean, default: 'yes' }"))).isNotEmpty();
    }

    /** The duration pattern accepts exactly what the reader accepts as a duration longer than zero. */
    @Test
    void durationPatternAgreesWithTheReader() {
        Schema duration = REGISTRY.getSchema(SCHEMA.get("$defs").get("duration"));
        List<String> samples = List.of("500ms", "30s", "10m", "2h", "1d", "1h30m", "1d2h3m4s5ms", "0d1s", "1ms", "1m5ms",
                " 5s ", "999999999s", "1234567890s", "0s", "0ms", "00m", "1m1h", "1s1s", "5", "s", "", " ", "5x", "1h 30m",
                "-5s", "5S", "1.5s", "PT1H30M", "pt5m", "P1D", "P1DT2H", "PT0.5S", "PT1,5S", "PT0S", "P0D", "PT0.000S",
                "PT", "P1DT", "P", "PT-5S", "PT5M10H", "P1W", "PT1.1234567890S", "10 minutes", "forever");
        for (String sample : samples) {
            boolean reader;
            try {
                Duration d = Durations.parse(sample);
                reader = !d.isZero() && !d.isNegative();
            } catch (IllegalArgumentException e) {
                reader = false;
            }
            assertThat(duration.validate(TextNode.valueOf(sample)).isEmpty()).as("'%s'", sample).isEqualTo(reader);
        }
    }

    private static void assertFields(JsonNode object, List<Vocabulary.Field> fields) {
        assertThat(object.get("additionalProperties").asBoolean(true)).isFalse();
        List<String> required = new ArrayList<>();
        object.path("required").forEach(n -> required.add(n.asText()));
        for (Vocabulary.Field field : fields) {
            JsonNode property = object.path("properties").path(field.name());
            assertThat(property.isObject()).as("property %s", field.name()).isTrue();
            assertThat(property.path("description").asText()).isEqualTo(field.description());
            assertThat(required.contains(field.name())).as("%s required", field.name()).isEqualTo(field.required());
        }
        assertThat(object.path("properties").size()).isEqualTo(fields.size());
    }

    private static JsonNode withOf(JsonNode schema, String action) {
        for (JsonNode rule : schema.at("/$defs/step/allOf")) {
            if (action.equals(rule.at("/if/properties/uses/const").asText(null))) {
                return rule.at("/then/properties/with");
            }
        }
        return fail("no with rule for " + action);
    }

    private static JsonNode oneStep(String rest) throws IOException {
        return YAML.readTree("apiVersion: stepwise/v1\nkind: Workflow\nname: probe\nsteps:\n  - id: a\n    " + rest + "\n");
    }

    private static JsonNode withInput(String input) throws IOException {
        return YAML.readTree("apiVersion: stepwise/v1\nkind: Workflow\nname: probe\ninputs:\n  x: " + input
                + "\nsteps:\n  - id: a\n    uses: noop\n");
    }

    private static List<Error> errors(JsonNode schema, JsonNode doc) {
        return REGISTRY.getSchema(schema).validate(doc);
    }

    /**
     * The document as the reader sees it: plain Jackson YAML leaves aliases unresolved, so files go
     * through the reader's own YAML layer (aliases expanded, limits applied), as an editor expands them.
     */
    private static JsonNode read(Path file) throws IOException {
        StrictYamlReader.Result result = new StrictYamlReader().read(Files.readAllBytes(file));
        if (!result.ok()) {
            throw new IOException(result.violations().get(0).message());
        }
        return result.tree().root();
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    private static Stream<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList().stream();
        }
    }
}
