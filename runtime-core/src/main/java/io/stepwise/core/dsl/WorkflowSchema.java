package io.stepwise.core.dsl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.WithRules;
import io.stepwise.core.internal.dsl.DefinitionReader;
import io.stepwise.core.internal.dsl.Vocabulary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON Schema (draft 2020-12) of {@code stepwise/v1}, built from the lists the reader checks
 * against: {@link Vocabulary} for the maps of the language and each action's {@link WithRules} for
 * what goes under {@code with}. Editors use it to complete and flag fields; the reader stays the
 * authority (expression scopes, unique ids, step order and the like are beyond a JSON Schema).
 *
 * <p>docs/workflow.schema.json is this output for the built-in actions; regenerate it with
 * {@code java -cp <runtime-core classpath> io.stepwise.core.dsl.WorkflowSchema docs/workflow.schema.json}
 * or run WorkflowSchemaTest with {@code -Dstepwise.schema.write=true}.
 */
public final class WorkflowSchema {
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    public static final String ID = "https://stepwise.dev/schema/workflow.json";

    /**
     * Durations as {@link Durations#parse} reads them, longer than zero: the short form
     * ({@code 500ms}, {@code 1h30m}: units in the order d, h, m, s, ms, each at most once, up to nine
     * digits) or ISO-8601 ({@code PT1H30M}, any case); the look-ahead asks for a digit other than 0.
     */
    public static final String DURATION_PATTERN = "^\\s*(?=[^1-9]*[1-9])(?:"
            + "([0-9]{1,9}d)?([0-9]{1,9}h)?([0-9]{1,9}m)?([0-9]{1,9}s)?([0-9]{1,9}ms)?"
            + "|[Pp](?:[0-9]+[Dd](?:[Tt]" + isoTime() + ")?|[Tt]" + isoTime() + ")"
            + ")\\s*$";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkflowSchema() {
    }

    private static String isoTime() {
        return "(?=[0-9])(?:[0-9]+[Hh])?(?:[0-9]+[Mm])?(?:[0-9]+(?:[.,][0-9]{0,9})?[Ss])?";
    }

    /** The schema for a definition loaded with these actions (built-ins and plug-ins). */
    public static ObjectNode generate(ActionCatalog actions) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", DIALECT);
        schema.put("$id", ID);
        schema.put("title", "Stepwise workflow (" + DefinitionReader.API_VERSION + ")");
        schema.put("description", "A workflow definition of the Stepwise workflow language " + DefinitionReader.API_VERSION
                + ", one per file under packs/<pack>/workflows/. Generated from the reader's own field lists; "
                + "what a schema cannot see (expressions, unique step ids, step order, name = file name) the reader "
                + "still reports when the pack loads.");
        object(schema, Vocabulary.TOP);
        schema.set("$defs", defs(actions));
        return schema;
    }

    /** The schema as committed in docs/workflow.schema.json: two-space indent, a final newline. */
    public static String render(ActionCatalog actions) {
        try {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(printer).writeValueAsString(generate(actions)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the schema does not serialize", e);
        }
    }

    /** Writes the schema for the built-in actions to the file named (default docs/workflow.schema.json). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/workflow.schema.json");
        Files.writeString(target, render(ActionCatalog.of(List.of())), StandardCharsets.UTF_8);
        System.out.println("wrote " + target.toAbsolutePath());
    }

    private static ObjectNode defs(ActionCatalog actions) {
        ObjectNode defs = NODES.objectNode();
        defs.set("duration", NODES.objectNode()
                .put("type", "string")
                .put("pattern", DURATION_PATTERN)
                .put("description", "A duration longer than zero: 500ms, 30s, 10m, 2h, 1d, 1h30m, or ISO-8601 such as PT1H30M."));
        defs.set("expression", NODES.objectNode()
                .put("type", "string")
                .put("pattern", "\\$\\{\\{")
                .put("description", "Text holding at least one ${{ }} expression, such as ${{ inputs.enabled }}."));
        defs.set("templateMap", NODES.objectNode()
                .put("type", "object")
                .put("description", "Name to value; any string in a value may hold ${{ }} expressions."));
        defs.set("concurrency", object(NODES.objectNode().put("type", "object")
                .put("description", "How many runs of this workflow may be active at once, such as { limit: 5 }."),
                Vocabulary.CONCURRENCY));
        defs.set("input", input());
        defs.set("trigger", object(NODES.objectNode().put("type", "object")
                .put("description", "An event that launches a run."), Vocabulary.TRIGGER));
        defs.set("retry", object(NODES.objectNode().put("type", "object")
                .put("description", "Retry policy of an activity action."), Vocabulary.RETRY));
        defs.set("forEach", object(NODES.objectNode().put("type", "object")
                .put("description", "A loop: the body's steps run for each item of items."), Vocabulary.FOREACH));
        defs.set("steps", NODES.objectNode()
                .put("type", "array")
                .put("minItems", 1)
                .put("description", "A non-empty list of steps, run in order.")
                .set("items", ref("step")));
        defs.set("step", step(actions));
        defs.set("action", action(actions));
        return defs;
    }

    /** Fills {@code target} with an object's properties, required list and no other fields. */
    private static ObjectNode object(ObjectNode target, List<Vocabulary.Field> fields) {
        if (!target.has("type")) {
            target.put("type", "object");
        }
        ObjectNode properties = target.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Vocabulary.Field field : fields) {
            ObjectNode shape = ((ObjectNode) field.shape()).deepCopy();
            shape.put("description", field.description());
            properties.set(field.name(), shape);
            if (field.required()) {
                required.add(field.name());
            }
        }
        if (!required.isEmpty()) {
            target.set("required", required);
        }
        target.put("additionalProperties", false);
        return target;
    }

    private static ObjectNode input() {
        ObjectNode input = object(NODES.objectNode().put("type", "object")
                .put("description", "An input's schema, checked at launch."), Vocabulary.INPUT);
        ArrayNode byType = input.putArray("allOf");
        for (InputType type : InputType.values()) {
            ObjectNode then = NODES.objectNode();
            ObjectNode properties = then.putObject("properties");
            properties.set("default", NODES.objectNode().put("type", type.label()));
            properties.set("enum", NODES.objectNode().set("items", NODES.objectNode().put("type", type.label())));
            if (type != InputType.INTEGER && type != InputType.NUMBER) {
                // minimum and maximum apply to integer and number inputs only
                properties.put("minimum", false);
                properties.put("maximum", false);
            }
            if (type != InputType.STRING) {
                properties.put("pattern", false);
            }
            byType.add(NODES.objectNode()
                    .<ObjectNode>set("if", NODES.objectNode()
                            .<ObjectNode>set("properties", NODES.objectNode()
                                    .set("type", NODES.objectNode().put("const", type.label())))
                            .set("required", NODES.arrayNode().add("type")))
                    .set("then", then));
        }
        return input;
    }

    /** A schema that refuses an object holding any of {@code fields}. */
    private static ObjectNode none(String... fields) {
        ArrayNode any = NODES.arrayNode();
        for (String field : fields) {
            any.add(NODES.objectNode().set("required", NODES.arrayNode().add(field)));
        }
        return NODES.objectNode().set("not", NODES.objectNode().set("anyOf", any));
    }

    private static ObjectNode step(ActionCatalog actions) {
        ObjectNode step = object(NODES.objectNode().put("type", "object")
                .put("description", "A step: an action (uses) or a loop (forEach)."), Vocabulary.STEP);
        ArrayNode either = step.putArray("oneOf");
        either.add(NODES.objectNode().set("required", NODES.arrayNode().add("uses")));
        either.add(NODES.objectNode().set("required", NODES.arrayNode().add("forEach")));
        ArrayNode rules = step.putArray("allOf");
        // 'with' belongs to an action; a forEach step has none, nor a timeout or retry of its own
        rules.add(NODES.objectNode()
                .<ObjectNode>set("if", NODES.objectNode().set("required", NODES.arrayNode().add("forEach")))
                .set("then", none("with", "timeout", "retry")));
        for (String name : actions.names()) {
            WithRules with = actions.rules(name).orElseThrow();
            ObjectNode then = NODES.objectNode();
            then.putObject("properties").set("with", with(name, with));
            if (ActionCatalog.runsInWorkflow(name)) {
                // timeout and retry bound and repeat an activity; this action runs in workflow code
                then.setAll(none("timeout", "retry"));
            }
            if (!with.open() && (with.declared().stream().anyMatch(WithRules.FieldRule::required)
                    || !with.exactlyOneGroups().isEmpty())) {
                then.set("required", NODES.arrayNode().add("with"));
            }
            rules.add(NODES.objectNode()
                    .<ObjectNode>set("if", NODES.objectNode()
                            .<ObjectNode>set("properties", NODES.objectNode()
                                    .set("uses", NODES.objectNode().put("const", name)))
                            .set("required", NODES.arrayNode().add("uses")))
                    .set("then", then));
        }
        return step;
    }

    /** What {@code with} holds for one action, as {@link WithRules#check} reads it. */
    static ObjectNode with(String action, WithRules rules) {
        if (rules.open()) {
            return NODES.objectNode().put("description", action + " accepts any 'with'.");
        }
        ObjectNode with = NODES.objectNode().put("type", "object")
                .put("description", "The arguments of " + action + ".");
        ObjectNode properties = with.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (WithRules.FieldRule field : rules.declared()) {
            properties.set(field.name(), value(field));
            if (field.required()) {
                required.add(field.name());
            }
        }
        if (!required.isEmpty()) {
            with.set("required", required);
        }
        with.put("additionalProperties", false);
        List<List<String>> groups = rules.exactlyOneGroups();
        if (!groups.isEmpty()) {
            ArrayNode all = with.putArray("allOf");
            for (List<String> group : groups) {
                ArrayNode oneOf = NODES.arrayNode();
                group.forEach(n -> oneOf.add(NODES.objectNode().set("required", NODES.arrayNode().add(n))));
                all.add(NODES.objectNode().set("oneOf", oneOf));
            }
        }
        return with;
    }

    /** One field under {@code with}: its kind's shape, and (the reader skips checking them) any expression. */
    private static ObjectNode value(WithRules.FieldRule field) {
        String requiredText = field.required() ? " Required." : "";
        if (field.kind() == WithRules.Kind.ANY) {
            ObjectNode any = NODES.objectNode().put("description", "Any value; strings may hold ${{ }} expressions." + requiredText);
            if (field.required()) {
                any.set("not", NODES.objectNode().put("type", "null"));
            }
            return any;
        }
        if (field.kind() == WithRules.Kind.STRING && field.choices().isEmpty()) {
            return NODES.objectNode().put("type", "string")
                    .put("description", "Text; may hold ${{ }} expressions." + requiredText);
        }
        ObjectNode shape = switch (field.kind()) {
            case STRING -> {
                ArrayNode choices = NODES.arrayNode();
                field.choices().stream().sorted().forEach(choices::add);
                yield NODES.objectNode().set("enum", choices);
            }
            case OBJECT -> NODES.objectNode().put("type", "object");
            case DURATION -> ref("duration");
            case BOOLEAN -> NODES.objectNode().put("type", "boolean");
            case POSITIVE_INTEGER -> NODES.objectNode().put("type", "integer").put("minimum", 1);
            case INSTANT -> NODES.objectNode().put("type", "string").put("format", "date-time");
            case STATUS_CODES -> NODES.objectNode().put("type", "array").put("minItems", 1)
                    .set("items", NODES.objectNode().put("type", "integer").put("minimum", 100).put("maximum", 599));
            case ANY -> throw new AssertionError("handled above");
        };
        ObjectNode value = NODES.objectNode();
        value.putArray("anyOf").add(shape).add(ref("expression"));
        value.put("description", describe(field) + "; or a ${{ }} expression." + requiredText);
        return value;
    }

    private static String describe(WithRules.FieldRule field) {
        return switch (field.kind()) {
            case STRING -> "One of " + String.join(", ", field.choices().stream().sorted().toList());
            case OBJECT -> "A map";
            case DURATION -> "A duration such as 30s";
            case BOOLEAN -> "true or false";
            case POSITIVE_INTEGER -> "A whole number, at least 1";
            case INSTANT -> "An ISO-8601 instant such as 2026-11-22T10:00:00Z";
            case STATUS_CODES -> "A non-empty list of HTTP status codes (100-599)";
            case ANY -> "Any value";
        };
    }

    private static ObjectNode action(ActionCatalog actions) {
        ArrayNode names = NODES.arrayNode();
        actions.names().forEach(names::add);
        List<String> plugins = actions.names().stream().filter(n -> !ActionCatalog.isBuiltIn(n)).toList();
        String text = "The action a step runs: a built-in (" + String.join(", ", ActionCatalog.builtInNames()) + ")"
                + (plugins.isEmpty() ? "" : " or a plug-in (" + String.join(", ", plugins) + ")") + ".";
        return NODES.objectNode().put("type", "string").put("description", text).set("enum", names);
    }

    private static ObjectNode ref(String def) {
        return NODES.objectNode().put("$ref", "#/$defs/" + def);
    }
}
