package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.dsl.InputSchema;
import io.stepwise.core.dsl.Step;
import io.stepwise.core.dsl.Trigger;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.expr.Template;
import io.stepwise.core.internal.yaml.Paths;
import io.stepwise.core.internal.yaml.SourceTree;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a parsed document into a {@link WorkflowDefinition}, collecting every problem: structure
 * (unknown fields, types, required fields) while reading, then meaning (unique ids, expression
 * scopes, step order) once the whole definition is known. The top-level fields are read here; steps,
 * input schemas and expression scopes have readers of their own that add to the same {@link Violations}.
 */
public final class DefinitionReader {
    public static final String API_VERSION = "stepwise/v1";
    public static final String KIND = "Workflow";
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    public static final Pattern STEP_ID = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final int MAX_FOREACH_CONCURRENCY = 100;

    private final SourceTree tree;
    private final Violations violations;
    private final FieldReader fields;
    private final ExpressionScopes scopes;
    private final StepReader steps;
    private final InputSchemaReader inputs;

    public DefinitionReader(SourceTree tree, ActionCatalog actions) {
        this(tree, actions, false);
    }

    /** @param stored a definition accepted before (see {@link StepReader}): newer rules spare it */
    public DefinitionReader(SourceTree tree, ActionCatalog actions, boolean stored) {
        this.tree = tree;
        this.violations = new Violations(tree);
        this.fields = new FieldReader(violations);
        this.scopes = new ExpressionScopes(violations);
        this.steps = new StepReader(violations, fields, scopes, actions, stored);
        this.inputs = new InputSchemaReader(violations, fields);
    }

    /** The definition, or null when any violation was found; {@link #violations()} says why. */
    public WorkflowDefinition read(String expectedName) {
        JsonNode root = tree.root();
        if (!root.isObject()) {
            violations.atValue("", "a workflow must be a YAML map with apiVersion, kind, name and steps");
            return null;
        }
        fields.allowOnly(root, "", Vocabulary.TOP);
        String apiVersion = fields.requiredText(root, "", "apiVersion");
        if (apiVersion != null && !API_VERSION.equals(apiVersion)) {
            violations.atValue("apiVersion", "apiVersion must be '" + API_VERSION + "', not '" + apiVersion + "'");
        }
        String kind = fields.requiredText(root, "", "kind");
        if (kind != null && !KIND.equals(kind)) {
            violations.atValue("kind", "kind must be '" + KIND + "', not '" + kind + "'");
        }
        String name = fields.requiredText(root, "", "name");
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                violations.atValue("name", "name '" + name
                        + "' must match [a-z][a-z0-9-]{0,62}: lower case letters, digits and '-', starting with a letter");
            } else if (expectedName != null && !expectedName.equals(name)) {
                violations.atValue("name", "name '" + name + "' must equal the file's base name '" + expectedName + "'");
            }
        }
        String version = fields.optionalScalarText(root, "version");
        String description = fields.optionalText(root, "", "description");
        List<String> tags = fields.stringList(root, "tags");
        Duration timeout = fields.duration(root, "", "timeout");
        Integer limit = concurrency(root);
        Map<String, InputSchema> declared = inputs.inputs(root);

        ExpressionScopes.Scope topScope = new ExpressionScopes.Scope(Set.of("inputs", "steps", "run"), Set.of(), "", false);
        List<Step> topSteps = steps.steps(root.get("steps"), "steps", topScope, new LinkedHashSet<>());
        List<Trigger> triggers = triggers(root, declared.keySet());
        Set<String> topLevelIds = new LinkedHashSet<>();
        topSteps.forEach(s -> topLevelIds.add(s.id()));
        Map<String, Template> outputs = scopes.templateMap(root, "", "outputs",
                new ExpressionScopes.Scope(Set.of("inputs", "steps", "run"), topLevelIds, "outputs", false));

        scopes.checkAll();
        if (violations.count() > 0) {
            return null;
        }
        return new WorkflowDefinition(name, version, description, tags, timeout, limit, declared, triggers, topSteps, outputs);
    }

    public List<Violation> violations() {
        return violations.list();
    }

    private Integer concurrency(JsonNode root) {
        JsonNode node = root.get("concurrency");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.atValue("concurrency", "'concurrency' must be a map such as { limit: 5 }");
            return null;
        }
        fields.allowOnly(node, "concurrency", Vocabulary.CONCURRENCY);
        JsonNode limit = node.get("limit");
        if (limit == null || !limit.isIntegralNumber() || limit.asLong() < 1 || limit.asLong() > Integer.MAX_VALUE) {
            violations.atValue(limit == null ? "concurrency" : "concurrency.limit",
                    "'concurrency.limit' must be a positive integer");
            return null;
        }
        return limit.asInt();
    }

    private List<Trigger> triggers(JsonNode root, Set<String> inputNames) {
        JsonNode node = root.get("triggers");
        List<Trigger> triggers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return triggers;
        }
        if (!node.isArray()) {
            violations.atValue("triggers", "'triggers' must be a list of { event, inputs }");
            return triggers;
        }
        ExpressionScopes.Scope scope = new ExpressionScopes.Scope(Set.of("event"), Set.of(), "triggers", false);
        for (int i = 0; i < node.size(); i++) {
            String path = Paths.index("triggers", i);
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                violations.atValue(path, "a trigger must be a map with 'event' and optional 'inputs'");
                continue;
            }
            fields.allowOnly(t, path, Vocabulary.TRIGGER);
            String event = fields.requiredText(t, path, "event");
            if (event != null && !EVENT_NAME.matcher(event).matches()) {
                violations.atValue(Paths.key(path, "event"), "event name '" + event
                        + "' may hold letters, digits, '.', '_', ':' and '-'");
            }
            Map<String, Template> mapped = scopes.templateMap(t, path, "inputs", scope);
            JsonNode inputsNode = t.get("inputs");
            if (inputsNode != null && inputsNode.isObject()) {
                inputsNode.fieldNames().forEachRemaining(n -> {
                    if (!inputNames.contains(n)) {
                        violations.atKey(Paths.key(Paths.key(path, "inputs"), n), "trigger sets input '" + n
                                + "', which the workflow does not declare");
                    }
                });
            }
            if (event != null) {
                triggers.add(new Trigger(event, mapped));
            }
        }
        return triggers;
    }
}
