package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * The fields of {@code stepwise/v1}, one list per map the language has. The reader allows exactly
 * these names and docs/dsl-reference.md lists them (ReferenceDocTest). Each field also carries
 * its JSON Schema shape and text: {@link io.stepwise.core.dsl.WorkflowSchema} builds the editor
 * schema from these lists (docs/workflow.schema.json, GET /api/v1/schema/workflow.json), and
 * WorkflowSchemaTest fails when a field here is missing there or the committed file is stale.
 */
public final class Vocabulary {
    private static final ObjectMapper SHAPES = new ObjectMapper().enable(JsonParser.Feature.ALLOW_SINGLE_QUOTES);

    /** A field: its name, whether it must be present, its JSON Schema shape and what it means. */
    public record Field(String name, boolean required, JsonNode shape, String description) {
    }

    /** The fields of a pack's optional {@code pack.yaml} (DSL.md, "Where definitions live"). */
    public static final List<Field> PACK = List.of(
            optional("description", "{'type':'string'}", "What the pack's workflows are for; GET /packs shows it."),
            optional("tags", "{'type':'array','items':{'type':'string'}}",
                    "Tags every workflow of the pack carries besides its own; GET /workflows?tag= finds them."));

    public static final List<Field> TOP = List.of(
            required("apiVersion", "{'const':'stepwise/v1'}", "The language version: always stepwise/v1."),
            required("kind", "{'const':'Workflow'}", "Always Workflow."),
            required("name", "{'type':'string','pattern':'^[a-z][a-z0-9-]{0,62}$'}",
                    "The workflow's name; equals the file's base name. Its ref is <pack>.<name>."),
            optional("version", "{'type':['string','number']}",
                    "A label for people; the content hash is the real version. Quote numbers like \"1.10\"."),
            optional("description", "{'type':'string'}", "Free text shown in the console and the API."),
            optional("tags", "{'type':'array','items':{'type':'string'}}", "Labels; GET /workflows?tag= filters by them."),
            optional("timeout", "{'$ref':'#/$defs/duration'}", "Limit for the whole run, such as 30m or 1h30m."),
            optional("concurrency", "{'$ref':'#/$defs/concurrency'}", "How many runs of this workflow may be active at once."),
            optional("inputs", "{'type':'object','additionalProperties':{'$ref':'#/$defs/input'},"
                    + "'propertyNames':{'pattern':'^[A-Za-z_][A-Za-z0-9_]{0,62}$'}}",
                    "The run's inputs: input name to schema, checked at launch."),
            optional("triggers", "{'type':'array','items':{'$ref':'#/$defs/trigger'}}",
                    "Events that launch a run: POST /api/v1/events with a matching name."),
            required("steps", "{'$ref':'#/$defs/steps'}", "The steps, run in order."),
            optional("outputs", "{'$ref':'#/$defs/templateMap'}",
                    "The run's output: name to value or ${{ }} expression, read after the last step."));

    public static final List<Field> STEP = List.of(
            required("id", "{'type':'string','pattern':'^[a-z][a-z0-9_-]{0,62}$'}",
                    "Unique in the whole workflow, nested steps included; later steps read steps.<id>.output."),
            optional("name", "{'type':'string'}", "Display name."),
            optional("uses", "{'$ref':'#/$defs/action'}", "The action this step runs (a step has uses or forEach)."),
            optional("with", "{}", "The action's arguments; ${{ }} expressions allowed in any string."),
            optional("when", "{'anyOf':[{'type':'boolean'},{'$ref':'#/$defs/expression'}]}",
                    "Run the step only when this is true; false marks it SKIPPED."),
            optional("timeout", "{'$ref':'#/$defs/duration'}",
                    "Start-to-close limit of each attempt of an activity action (http.request, plug-ins)."),
            optional("retry", "{'$ref':'#/$defs/retry'}", "Retry policy of an activity action."),
            optional("continueOnError", "{'type':'boolean'}",
                    "When true, a failed step is recorded FAILED and the run goes on."),
            optional("forEach", "{'$ref':'#/$defs/forEach'}", "A loop over a list (a step has uses or forEach)."));

    public static final List<Field> FOREACH = List.of(
            required("items", "{'anyOf':[{'type':'array'},{'$ref':'#/$defs/expression'}]}",
                    "An expression giving a list, or a list; inside the body, item and index are bound."),
            optional("concurrency", "{'type':'integer','minimum':1,'maximum':" + DefinitionReader.MAX_FOREACH_CONCURRENCY + "}",
                    "How many iterations run at once (default 1)."),
            required("steps", "{'$ref':'#/$defs/steps'}", "The loop's body, run in order for each item."));

    public static final List<Field> RETRY = List.of(
            optional("maxAttempts", "{'type':'integer','minimum':1,'maximum':1000}", "Attempts in all, the first included."),
            optional("initialInterval", "{'$ref':'#/$defs/duration'}", "Wait before the second attempt."),
            optional("backoffCoefficient", "{'type':'number','minimum':1}", "Each wait is the previous one times this."),
            optional("maxInterval", "{'$ref':'#/$defs/duration'}", "The longest wait between attempts."));

    public static final List<Field> INPUT = List.of(
            required("type", "{'enum':['string','integer','number','boolean','object','array']}", "The input's JSON type."),
            optional("required", "{'type':'boolean'}", "A missing required input without a default is refused at launch."),
            optional("default", "{}", "Used when the input is absent or null; must satisfy the schema."),
            optional("enum", "{'type':'array','minItems':1}", "The allowed values."),
            optional("minimum", "{'type':'number'}", "Inclusive lower bound (integer and number inputs)."),
            optional("maximum", "{'type':'number'}", "Inclusive upper bound (integer and number inputs)."),
            optional("pattern", "{'type':'string'}", "A Java regular expression the whole value must match (string inputs)."),
            optional("secret", "{'type':'boolean'}", "Shown as [REDACTED] everywhere and stored encrypted."),
            optional("description", "{'type':'string'}", "Text for people."));

    public static final List<Field> TRIGGER = List.of(
            required("event", "{'type':'string','pattern':'^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'}", "The event name."),
            optional("inputs", "{'$ref':'#/$defs/templateMap'}",
                    "Input name to value or expression; expressions read event only."));

    public static final List<Field> CONCURRENCY = List.of(
            required("limit", "{'type':'integer','minimum':1,'maximum':2147483647}",
                    "Active runs at most; a launch beyond it answers 429."));

    private Vocabulary() {
    }

    /** The names of a list, in order: what the reader allows. */
    public static List<String> names(List<Field> fields) {
        return fields.stream().map(Field::name).toList();
    }

    private static Field required(String name, String shape, String description) {
        return new Field(name, true, shape(shape), description);
    }

    private static Field optional(String name, String shape, String description) {
        return new Field(name, false, shape(shape), description);
    }

    static JsonNode shape(String json) {
        try {
            return SHAPES.readTree(json);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("a shape in Vocabulary does not read: " + json, e);
        }
    }
}
