package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.WithRules;
import io.stepwise.core.dsl.Durations;
import io.stepwise.core.dsl.ForEach;
import io.stepwise.core.dsl.InputSchema;
import io.stepwise.core.dsl.InputType;
import io.stepwise.core.dsl.RetryPolicy;
import io.stepwise.core.dsl.Step;
import io.stepwise.core.dsl.Trigger;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.expr.Expression;
import io.stepwise.core.expr.Template;
import io.stepwise.core.internal.yaml.Paths;
import io.stepwise.core.internal.yaml.SourceTree;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a parsed document into a {@link WorkflowDefinition}, collecting every problem: structure
 * (unknown fields, types, required fields) while reading, then meaning (unique ids, expression
 * scopes, step order) once the whole definition is known.
 */
public final class DefinitionReader {
    public static final String API_VERSION = "stepwise/v1";
    public static final String KIND = "Workflow";
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    public static final Pattern STEP_ID = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final int MAX_FOREACH_CONCURRENCY = 100;

    static final List<String> TOP_FIELDS = List.of("apiVersion", "kind", "name", "version", "description",
            "tags", "timeout", "concurrency", "inputs", "triggers", "steps", "outputs");
    static final List<String> STEP_FIELDS = List.of("id", "name", "uses", "with", "when", "timeout", "retry",
            "continueOnError", "forEach");
    static final List<String> FOREACH_FIELDS = List.of("items", "concurrency", "steps");
    private static final List<String> RETRY_FIELDS = List.of("maxAttempts", "initialInterval", "backoffCoefficient",
            "maxInterval");
    static final List<String> INPUT_FIELDS = List.of("type", "required", "default", "enum", "minimum",
            "maximum", "pattern", "secret", "description");
    private static final List<String> TRIGGER_FIELDS = List.of("event", "inputs");
    private static final List<String> CONCURRENCY_FIELDS = List.of("limit");

    private final SourceTree tree;
    private final ActionCatalog actions;
    private final List<Violation> violations = new ArrayList<>();
    /** Expressions found while reading, checked for scope and step order once all steps are known. */
    private final List<PendingCheck> pending = new ArrayList<>();
    private final Map<String, String> stepPathsById = new HashMap<>();

    /** Where an expression sits: which roots it may use and which step ids have run before it. */
    private record Scope(Set<String> roots, Set<String> stepsBefore, String where) {
    }

    private record PendingCheck(String path, Template template, Scope scope) {
    }

    public DefinitionReader(SourceTree tree, ActionCatalog actions) {
        this.tree = tree;
        this.actions = actions;
    }

    /** The definition, or null when any violation was found; {@link #violations()} says why. */
    public WorkflowDefinition read(String expectedName) {
        JsonNode root = tree.root();
        if (!root.isObject()) {
            violations.add(tree.atValue("", "a workflow must be a YAML map with apiVersion, kind, name and steps"));
            return null;
        }
        allowOnly(root, "", TOP_FIELDS);
        String apiVersion = requiredText(root, "apiVersion");
        if (apiVersion != null && !API_VERSION.equals(apiVersion)) {
            violations.add(tree.atValue("apiVersion", "apiVersion must be '" + API_VERSION + "', not '" + apiVersion + "'"));
        }
        String kind = requiredText(root, "kind");
        if (kind != null && !KIND.equals(kind)) {
            violations.add(tree.atValue("kind", "kind must be '" + KIND + "', not '" + kind + "'"));
        }
        String name = requiredText(root, "name");
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                violations.add(tree.atValue("name", "name '" + name
                        + "' must match [a-z][a-z0-9-]{0,62}: lower case letters, digits and '-', starting with a letter"));
            } else if (expectedName != null && !expectedName.equals(name)) {
                violations.add(tree.atValue("name", "name '" + name + "' must equal the file's base name '"
                        + expectedName + "'"));
            }
        }
        String version = optionalScalarText(root, "version");
        String description = optionalText(root, "description");
        List<String> tags = stringList(root, "tags");
        Duration timeout = duration(root, "timeout");
        Integer limit = concurrency(root);
        Map<String, InputSchema> inputs = inputs(root);

        Scope topScope = new Scope(Set.of("inputs", "steps", "run"), Set.of(), "");
        List<Step> steps = steps(root.get("steps"), "steps", topScope, new LinkedHashSet<>(), true);
        List<Trigger> triggers = triggers(root, inputs.keySet());
        Set<String> topLevelIds = new LinkedHashSet<>();
        steps.forEach(s -> topLevelIds.add(s.id()));
        Map<String, Template> outputs = templateMap(root, "outputs",
                new Scope(Set.of("inputs", "steps", "run"), topLevelIds, "outputs"));

        for (PendingCheck check : pending) {
            checkExpressions(check);
        }
        if (!violations.isEmpty()) {
            return null;
        }
        return new WorkflowDefinition(name, version, description, tags, timeout, limit, inputs, triggers, steps, outputs);
    }

    public List<Violation> violations() {
        return violations;
    }

    // ---- steps ---------------------------------------------------------------------------

    private List<Step> steps(JsonNode node, String path, Scope scope, Set<String> before, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                violations.add(missing(Paths.parent(path), lastSegment(path), "'" + lastSegment(path)
                        + "' is required: a non-empty list of steps"));
            }
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            violations.add(tree.atValue(path, "'" + lastSegment(path) + "' must be a non-empty list of steps"));
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        Set<String> visible = new LinkedHashSet<>(before);
        for (int i = 0; i < node.size(); i++) {
            Step step = step(node.get(i), Paths.index(path, i), new Scope(scope.roots(), Set.copyOf(visible), scope.where()));
            if (step != null) {
                steps.add(step);
                visible.add(step.id());
            }
        }
        return steps;
    }

    private Step step(JsonNode node, String path, Scope scope) {
        if (!node.isObject()) {
            violations.add(tree.atValue(path, "a step must be a map with 'id' and 'uses' or 'forEach'"));
            return null;
        }
        allowOnly(node, path, STEP_FIELDS);
        String id = requiredText(node, path, "id");
        if (id != null) {
            if (!STEP_ID.matcher(id).matches()) {
                violations.add(tree.atValue(Paths.key(path, "id"), "step id '" + id
                        + "' must match [a-z][a-z0-9_-]{0,62}"));
            } else if (stepPathsById.containsKey(id)) {
                violations.add(tree.atValue(Paths.key(path, "id"), "step id '" + id + "' is already used at "
                        + stepPathsById.get(id) + "; ids must be unique in the workflow, nested steps included"));
            } else {
                stepPathsById.put(id, path);
            }
        }
        String displayName = optionalText(node, path, "name");
        JsonNode usesNode = node.get("uses");
        JsonNode forEachNode = node.get("forEach");
        boolean hasUses = usesNode != null && !usesNode.isNull();
        boolean hasForEach = forEachNode != null && !forEachNode.isNull();
        if (hasUses == hasForEach) {
            violations.add(tree.atValue(path, hasUses
                    ? "a step has either 'uses' or 'forEach', not both"
                    : "a step needs 'uses' (an action) or 'forEach' (a loop)"));
        }
        String uses = null;
        if (hasUses) {
            uses = text(usesNode, Paths.key(path, "uses"), "uses");
            if (uses != null && !actions.knows(uses)) {
                violations.add(tree.atValue(Paths.key(path, "uses"), "unknown action '" + uses + "'; known: "
                        + String.join(", ", actions.names())));
                uses = null;
            }
        }
        JsonNode withNode = node.get("with");
        String withPath = Paths.key(path, "with");
        if (uses != null) {
            WithRules rules = actions.rules(uses).orElseThrow();
            for (WithRules.Problem p : rules.check(withNode)) {
                String at = p.field().isEmpty() ? withPath : Paths.key(withPath, p.field());
                violations.add(withNode != null && withNode.has(p.field()) && !p.message().startsWith("unknown")
                        ? tree.atValue(at, p.message()) : tree.atKey(at, p.message()));
            }
        } else if (hasForEach && withNode != null) {
            violations.add(tree.atKey(withPath, "'with' belongs to an action; a forEach step has none"));
        }
        Template with = template(withNode, withPath, scope);
        Template when = null;
        if (node.has("when")) {
            JsonNode whenNode = node.get("when");
            String whenPath = Paths.key(path, "when");
            if (!whenNode.isBoolean() && !(whenNode.isTextual() && Template.containsExpression(whenNode.textValue()))) {
                violations.add(tree.atValue(whenPath, "'when' must be an expression like ${{ inputs.enabled }} or a boolean"));
            } else {
                when = template(whenNode, whenPath, scope);
            }
        }
        Duration timeout = duration(node, path, "timeout");
        RetryPolicy retry = retry(node.get("retry"), Paths.key(path, "retry"));
        boolean continueOnError = bool(node, path, "continueOnError", false);
        ForEach forEach = hasForEach ? forEach(forEachNode, Paths.key(path, "forEach"), scope) : null;
        if (id == null) {
            return null;
        }
        return new Step(id, displayName, uses, with, when, timeout, retry, continueOnError, forEach);
    }

    private ForEach forEach(JsonNode node, String path, Scope outer) {
        if (!node.isObject()) {
            violations.add(tree.atValue(path, "'forEach' must be a map with 'items' and 'steps'"));
            return null;
        }
        allowOnly(node, path, FOREACH_FIELDS);
        JsonNode itemsNode = node.get("items");
        Template items = null;
        if (itemsNode == null || itemsNode.isNull()) {
            violations.add(missing(path, "items", "'items' is required: an expression giving a list, or a list"));
        } else if (!itemsNode.isArray() && !(itemsNode.isTextual() && Template.containsExpression(itemsNode.textValue()))) {
            violations.add(tree.atValue(Paths.key(path, "items"), "'items' must be an expression giving a list, or a list"));
        } else {
            items = template(itemsNode, Paths.key(path, "items"), outer);
        }
        int concurrency = 1;
        JsonNode c = node.get("concurrency");
        if (c != null) {
            if (!c.isIntegralNumber() || c.asLong() < 1 || c.asLong() > MAX_FOREACH_CONCURRENCY) {
                violations.add(tree.atValue(Paths.key(path, "concurrency"),
                        "'concurrency' must be an integer from 1 to " + MAX_FOREACH_CONCURRENCY));
            } else {
                concurrency = c.asInt();
            }
        }
        Set<String> roots = new HashSet<>(outer.roots());
        roots.add("item");
        roots.add("index");
        Scope body = new Scope(Set.copyOf(roots), outer.stepsBefore(), outer.where());
        List<Step> steps = steps(node.get("steps"), Paths.key(path, "steps"), body, outer.stepsBefore(), true);
        return new ForEach(items, concurrency, steps);
    }

    private RetryPolicy retry(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(tree.atValue(path, "'retry' must be a map: maxAttempts, initialInterval, backoffCoefficient, maxInterval"));
            return null;
        }
        allowOnly(node, path, RETRY_FIELDS);
        Integer maxAttempts = null;
        JsonNode m = node.get("maxAttempts");
        if (m != null) {
            if (!m.isIntegralNumber() || m.asLong() < 1 || m.asLong() > 1000) {
                violations.add(tree.atValue(Paths.key(path, "maxAttempts"), "'maxAttempts' must be an integer from 1 to 1000"));
            } else {
                maxAttempts = m.asInt();
            }
        }
        Double backoff = null;
        JsonNode b = node.get("backoffCoefficient");
        if (b != null) {
            if (!b.isNumber() || b.asDouble() < 1.0) {
                violations.add(tree.atValue(Paths.key(path, "backoffCoefficient"), "'backoffCoefficient' must be a number of at least 1"));
            } else {
                backoff = b.asDouble();
            }
        }
        Duration initial = duration(node, path, "initialInterval");
        Duration max = duration(node, path, "maxInterval");
        if (initial != null && max != null && max.compareTo(initial) < 0) {
            violations.add(tree.atValue(Paths.key(path, "maxInterval"), "'maxInterval' must not be shorter than 'initialInterval'"));
        }
        return new RetryPolicy(maxAttempts, initial, backoff, max);
    }

    // ---- inputs, triggers, concurrency ------------------------------------------------------

    private Map<String, InputSchema> inputs(JsonNode root) {
        JsonNode node = root.get("inputs");
        Map<String, InputSchema> inputs = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return inputs;
        }
        if (!node.isObject()) {
            violations.add(tree.atValue("inputs", "'inputs' must be a map of input name to schema"));
            return inputs;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = Paths.key("inputs", e.getKey());
            if (!INPUT_NAME.matcher(e.getKey()).matches()) {
                violations.add(tree.atKey(path, "input name '" + e.getKey() + "' must match [A-Za-z_][A-Za-z0-9_]*"));
                continue;
            }
            InputSchema schema = inputSchema(e.getKey(), e.getValue(), path);
            if (schema != null) {
                inputs.put(e.getKey(), schema);
            }
        }
        return inputs;
    }

    private InputSchema inputSchema(String name, JsonNode node, String path) {
        if (!node.isObject()) {
            violations.add(tree.atValue(path, "input '" + name + "' must be a schema map such as { type: string }"));
            return null;
        }
        allowOnly(node, path, INPUT_FIELDS);
        int before = violations.size();
        InputType type = null;
        String typeText = requiredText(node, path, "type");
        if (typeText != null) {
            try {
                type = InputType.valueOf(typeText.toUpperCase(Locale.ROOT));
                if (!typeText.equals(type.label())) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException ex) {
                violations.add(tree.atValue(Paths.key(path, "type"), "unknown type '" + typeText
                        + "'; use string, integer, number, boolean, object or array"));
            }
        }
        boolean required = bool(node, path, "required", false);
        boolean secret = bool(node, path, "secret", false);
        String description = optionalText(node, path, "description");
        BigDecimal minimum = number(node, path, "minimum", type);
        BigDecimal maximum = number(node, path, "maximum", type);
        if (minimum != null && maximum != null && minimum.compareTo(maximum) > 0) {
            violations.add(tree.atValue(Paths.key(path, "maximum"), "'maximum' is less than 'minimum'"));
        }
        Pattern pattern = null;
        JsonNode p = node.get("pattern");
        if (p != null) {
            if (!p.isTextual()) {
                violations.add(tree.atValue(Paths.key(path, "pattern"), "'pattern' must be a regular expression string"));
            } else if (type != null && type != InputType.STRING) {
                violations.add(tree.atValue(Paths.key(path, "pattern"), "'pattern' applies to string inputs only"));
            } else {
                try {
                    pattern = Pattern.compile(p.textValue());
                } catch (PatternSyntaxException ex) {
                    violations.add(tree.atValue(Paths.key(path, "pattern"), "invalid regular expression: "
                            + ex.getDescription() + " near index " + ex.getIndex()));
                }
            }
        }
        List<JsonNode> allowed = new ArrayList<>();
        JsonNode en = node.get("enum");
        if (en != null) {
            if (!en.isArray() || en.isEmpty()) {
                violations.add(tree.atValue(Paths.key(path, "enum"), "'enum' must be a non-empty list of allowed values"));
            } else {
                for (int i = 0; i < en.size(); i++) {
                    JsonNode v = en.get(i);
                    if (type != null && !type.accepts(v)) {
                        violations.add(tree.atValue(Paths.index(Paths.key(path, "enum"), i), "enum value " + v
                                + " is not of type " + type.label()));
                    }
                    allowed.add(v);
                }
            }
        }
        JsonNode def = node.get("default");
        if (violations.size() > before || type == null) {
            return null;
        }
        InputSchema schema = new InputSchema(name, type, required, def, List.copyOf(allowed), minimum, maximum,
                pattern, secret, description);
        if (def != null) {
            for (String problem : InputRules.problems(schema, def)) {
                violations.add(tree.atValue(Paths.key(path, "default"), "default " + problem));
            }
        }
        return schema;
    }

    private BigDecimal number(JsonNode node, String path, String field, InputType type) {
        JsonNode n = node.get(field);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            violations.add(tree.atValue(Paths.key(path, field), "'" + field + "' must be a number"));
            return null;
        }
        if (type != null && type != InputType.INTEGER && type != InputType.NUMBER) {
            violations.add(tree.atValue(Paths.key(path, field), "'" + field + "' applies to integer and number inputs only"));
            return null;
        }
        return n.decimalValue();
    }

    private Integer concurrency(JsonNode root) {
        JsonNode node = root.get("concurrency");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(tree.atValue("concurrency", "'concurrency' must be a map such as { limit: 5 }"));
            return null;
        }
        allowOnly(node, "concurrency", CONCURRENCY_FIELDS);
        JsonNode limit = node.get("limit");
        if (limit == null || !limit.isIntegralNumber() || limit.asLong() < 1 || limit.asLong() > Integer.MAX_VALUE) {
            violations.add(tree.atValue(limit == null ? "concurrency" : "concurrency.limit",
                    "'concurrency.limit' must be a positive integer"));
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
            violations.add(tree.atValue("triggers", "'triggers' must be a list of { event, inputs }"));
            return triggers;
        }
        Scope scope = new Scope(Set.of("event"), Set.of(), "triggers");
        for (int i = 0; i < node.size(); i++) {
            String path = Paths.index("triggers", i);
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                violations.add(tree.atValue(path, "a trigger must be a map with 'event' and optional 'inputs'"));
                continue;
            }
            allowOnly(t, path, TRIGGER_FIELDS);
            String event = requiredText(t, path, "event");
            if (event != null && !EVENT_NAME.matcher(event).matches()) {
                violations.add(tree.atValue(Paths.key(path, "event"), "event name '" + event
                        + "' may hold letters, digits, '.', '_', ':' and '-'"));
            }
            Map<String, Template> inputs = templateMap(t, path, "inputs", scope);
            JsonNode inputsNode = t.get("inputs");
            if (inputsNode != null && inputsNode.isObject()) {
                inputsNode.fieldNames().forEachRemaining(n -> {
                    if (!inputNames.contains(n)) {
                        violations.add(tree.atKey(Paths.key(Paths.key(path, "inputs"), n), "trigger sets input '" + n
                                + "', which the workflow does not declare"));
                    }
                });
            }
            if (event != null) {
                triggers.add(new Trigger(event, inputs));
            }
        }
        return triggers;
    }

    // ---- expressions ------------------------------------------------------------------------

    private Template template(JsonNode node, String path, Scope scope) {
        List<Template.Problem> problems = new ArrayList<>();
        Template template = Template.compile(node, problems);
        for (Template.Problem p : problems) {
            String at = Paths.join(path, p.relativePath());
            violations.add(tree.atOffset(at, p.offset(), p.message()));
        }
        if (problems.isEmpty()) {
            pending.add(new PendingCheck(path, template, scope));
        }
        return template;
    }

    private Map<String, Template> templateMap(JsonNode root, String field, Scope scope) {
        return templateMap(root, "", field, scope);
    }

    private Map<String, Template> templateMap(JsonNode parent, String parentPath, String field, Scope scope) {
        JsonNode node = parent.get(field);
        Map<String, Template> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        String path = Paths.key(parentPath, field);
        if (!node.isObject()) {
            violations.add(tree.atValue(path, "'" + field + "' must be a map of name to value or expression"));
            return map;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), template(e.getValue(), Paths.key(path, e.getKey()), scope));
        }
        return map;
    }

    private void checkExpressions(PendingCheck check) {
        check.template().forEachExpression("", (relative, offset, expression) -> {
            String at = Paths.join(check.path(), relative);
            checkExpression(at, offset, expression, check.scope());
        });
    }

    private void checkExpression(String path, int offset, Expression expression, Scope scope) {
        for (String root : expression.roots()) {
            if (!scope.roots().contains(root)) {
                violations.add(tree.atOffset(path, offset, "'" + root + "' is not available here: " + whereRootWorks(root)));
            }
        }
        if (!scope.roots().contains("steps")) {
            return;
        }
        for (String ref : expression.stepRefs()) {
            if (scope.stepsBefore().contains(ref)) {
                continue;
            }
            String definedAt = stepPathsById.get(ref);
            String message;
            if (definedAt == null) {
                message = "unknown step '" + ref + "' in ${{ " + expression.source() + " }}";
            } else if (definedAt.contains("forEach") && !path.startsWith(Paths.parent(definedAt) + "[")) {
                message = "step '" + ref + "' runs inside a forEach and is not visible here; read the loop's output instead";
            } else {
                message = "step '" + ref + "' does not run before this point, so its output is not available here";
            }
            violations.add(tree.atOffset(path, offset, message));
        }
    }

    private static String whereRootWorks(String root) {
        return switch (root) {
            case "item", "index" -> "'" + root + "' is bound only inside a forEach body";
            case "event" -> "'event' is bound only in trigger inputs";
            default -> "trigger inputs may read 'event' only";
        };
    }

    // ---- small readers ------------------------------------------------------------------------

    private void allowOnly(JsonNode node, String path, List<String> allowed) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                String hint = Suggestions.closest(field, allowed).map(s -> "; did you mean '" + s + "'?")
                        .orElse(" (allowed: " + String.join(", ", allowed) + ")");
                violations.add(tree.atKey(Paths.key(path, field), "unknown field '" + field + "'" + hint));
            }
        });
    }

    private String requiredText(JsonNode node, String field) {
        return requiredText(node, "", field);
    }

    private String requiredText(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            violations.add(missing(path, field, "'" + field + "' is required"));
            return null;
        }
        return text(value, Paths.key(path, field), field);
    }

    private String text(JsonNode value, String path, String field) {
        if (!value.isTextual()) {
            violations.add(tree.atValue(path, "'" + field + "' must be a string"));
            return null;
        }
        return value.textValue();
    }

    private String optionalText(JsonNode node, String field) {
        return optionalText(node, "", field);
    }

    private String optionalText(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(value, Paths.key(path, field), field);
    }

    /** A label such as {@code version: 1.2} may be written as a number; keep it as written. */
    private String optionalScalarText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            violations.add(tree.atValue(field, "'" + field + "' must be a string"));
            return null;
        }
        return value.asText();
    }

    private boolean bool(JsonNode node, String path, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            violations.add(tree.atValue(Paths.key(path, field), "'" + field + "' must be true or false"));
            return fallback;
        }
        return value.booleanValue();
    }

    private List<String> stringList(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (!value.isArray()) {
            violations.add(tree.atValue(field, "'" + field + "' must be a list of strings"));
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                violations.add(tree.atValue(Paths.index(field, i), "'" + field + "' must be a list of strings"));
            } else {
                out.add(value.get(i).textValue());
            }
        }
        return List.copyOf(out);
    }

    private Duration duration(JsonNode node, String field) {
        return duration(node, "", field);
    }

    private Duration duration(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String at = Paths.key(path, field);
        if (!value.isTextual()) {
            violations.add(tree.atValue(at, "'" + field + "' must be a duration such as 30s, 10m or 1h30m"));
            return null;
        }
        try {
            Duration d = Durations.parse(value.textValue());
            if (d.isZero() || d.isNegative()) {
                violations.add(tree.atValue(at, "'" + field + "' must be longer than zero"));
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            violations.add(tree.atValue(at, e.getMessage()));
            return null;
        }
    }

    /** A missing field: the path names the field, the position is its parent's. */
    private Violation missing(String parentPath, String field, String message) {
        Violation at = tree.atKey(parentPath, message);
        return new Violation(Paths.key(parentPath, field), at.line(), at.column(), message);
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
