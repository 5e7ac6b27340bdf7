package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.WithRules;
import io.stepwise.core.dsl.ForEach;
import io.stepwise.core.dsl.RetryPolicy;
import io.stepwise.core.dsl.Step;
import io.stepwise.core.expr.Template;
import io.stepwise.core.internal.yaml.Paths;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads step lists: each step's fields, its action's {@code with}, loops and retry policies. */
final class StepReader {
    private final Violations violations;
    private final FieldReader fields;
    private final ExpressionScopes scopes;
    private final ActionCatalog actions;
    private final boolean stored;

    /**
     * @param stored whether the document is a definition stored before (the worker reading a run's
     *               version): rules added to the language since it was accepted do not apply to it
     */
    StepReader(Violations violations, FieldReader fields, ExpressionScopes scopes, ActionCatalog actions,
               boolean stored) {
        this.violations = violations;
        this.fields = fields;
        this.scopes = scopes;
        this.actions = actions;
        this.stored = stored;
    }

    List<Step> steps(JsonNode node, String path, ExpressionScopes.Scope scope, Set<String> before) {
        if (node == null || node.isNull()) {
            violations.missing(Paths.parent(path), lastSegment(path), "'" + lastSegment(path)
                    + "' is required: a non-empty list of steps");
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            violations.atValue(path, "'" + lastSegment(path) + "' must be a non-empty list of steps");
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        Set<String> visible = new LinkedHashSet<>(before);
        for (int i = 0; i < node.size(); i++) {
            Step step = step(node.get(i), path, i, scope.withStepsBefore(Set.copyOf(visible)));
            if (step != null) {
                steps.add(step);
                visible.add(step.id());
            }
        }
        return steps;
    }

    private Step step(JsonNode node, String list, int index, ExpressionScopes.Scope scope) {
        String path = Paths.index(list, index);
        if (!node.isObject()) {
            violations.atValue(path, "a step must be a map with 'id' and 'uses' or 'forEach'");
            return null;
        }
        fields.allowOnly(node, path, Vocabulary.STEP);
        String id = fields.requiredText(node, path, "id");
        if (id != null) {
            if (!DefinitionReader.STEP_ID.matcher(id).matches()) {
                violations.atValue(Paths.key(path, "id"), "step id '" + id + "' must match [a-z][a-z0-9_-]{0,62}");
            } else {
                ExpressionScopes.StepSite taken = scopes.declare(id, new ExpressionScopes.StepSite(path, list, scope.inLoop()));
                if (taken != null) {
                    violations.atValue(Paths.key(path, "id"), "step id '" + id + "' is already used at "
                            + taken.path() + "; ids must be unique in the workflow, nested steps included");
                }
            }
        }
        String displayName = fields.optionalText(node, path, "name");
        JsonNode usesNode = node.get("uses");
        JsonNode forEachNode = node.get("forEach");
        boolean hasUses = usesNode != null && !usesNode.isNull();
        boolean hasForEach = forEachNode != null && !forEachNode.isNull();
        if (hasUses == hasForEach) {
            violations.atValue(path, hasUses
                    ? "a step has either 'uses' or 'forEach', not both"
                    : "a step needs 'uses' (an action) or 'forEach' (a loop)");
        }
        String uses = null;
        if (hasUses) {
            uses = fields.text(usesNode, Paths.key(path, "uses"), "uses");
            if (uses != null && !actions.knows(uses)) {
                violations.atValue(Paths.key(path, "uses"), "unknown action '" + uses + "'; known: "
                        + String.join(", ", actions.names()));
                uses = null;
            }
        }
        JsonNode withNode = node.get("with");
        String withPath = Paths.key(path, "with");
        if (uses != null) {
            for (WithRules.Problem p : actions.rules(uses).orElseThrow().check(withNode)) {
                String at = p.field().isEmpty() ? withPath : Paths.key(withPath, p.field());
                // a value that is there but wrong points at the value; a missing or unknown field at its key
                if (withNode != null && withNode.has(p.field()) && p.cause() != WithRules.Cause.UNKNOWN_FIELD) {
                    violations.atValue(at, p.message());
                } else {
                    violations.atKey(at, p.message());
                }
            }
        } else if (hasForEach && withNode != null) {
            violations.atKey(withPath, "'with' belongs to an action; a forEach step has none");
        }
        Template with = scopes.template(withNode, withPath, scope);
        Template when = null;
        if (node.has("when")) {
            JsonNode whenNode = node.get("when");
            String whenPath = Paths.key(path, "when");
            if (!whenNode.isBoolean() && !(whenNode.isTextual() && Template.containsExpression(whenNode.textValue()))) {
                violations.atValue(whenPath, "'when' must be an expression like ${{ inputs.enabled }} or a boolean");
            } else {
                when = scopes.template(whenNode, whenPath, scope);
            }
        }
        if (!stored) {
            onlyForActivities(node, path, hasForEach ? null : uses);
        }
        Duration timeout = fields.duration(node, path, "timeout");
        RetryPolicy retry = retry(node.get("retry"), Paths.key(path, "retry"));
        boolean continueOnError = fields.bool(node, path, "continueOnError", false);
        ForEach forEach = hasForEach ? forEach(forEachNode, Paths.key(path, "forEach"), scope) : null;
        if (id == null) {
            return null;
        }
        return new Step(id, displayName, uses, with, when, timeout, retry, continueOnError, forEach);
    }

    /**
     * A step's {@code timeout} and {@code retry} bound and repeat an activity (http.request and
     * plug-ins); on a step that runs in workflow code, or on a loop, they would be silently ignored.
     */
    private void onlyForActivities(JsonNode node, String path, String uses) {
        boolean loop = uses == null && node.has("forEach");
        if (!loop && (uses == null || !ActionCatalog.runsInWorkflow(uses))) {
            return;
        }
        for (String field : List.of("timeout", "retry")) {
            if (!node.has(field)) {
                continue;
            }
            String message;
            if (loop) {
                message = "'" + field + "' does not apply to a forEach step; set it on the steps inside";
            } else {
                message = "'" + field + "' does not apply to " + ("aeiou".indexOf(uses.charAt(0)) >= 0 ? "an " : "a ") + uses + " step: it runs in workflow code, "
                        + "not as an activity ('timeout' and 'retry' apply to http.request and plug-in actions)";
                if (ActionCatalog.EVENT_WAIT.equals(uses) && field.equals("timeout")) {
                    message += "; for how long to wait, set with.timeout and with.onTimeout";
                }
            }
            violations.atKey(Paths.key(path, field), message);
        }
    }

    private ForEach forEach(JsonNode node, String path, ExpressionScopes.Scope outer) {
        if (!node.isObject()) {
            violations.atValue(path, "'forEach' must be a map with 'items' and 'steps'");
            return null;
        }
        fields.allowOnly(node, path, Vocabulary.FOREACH);
        JsonNode itemsNode = node.get("items");
        Template items = null;
        if (itemsNode == null || itemsNode.isNull()) {
            violations.missing(path, "items", "'items' is required: an expression giving a list, or a list");
        } else if (!itemsNode.isArray() && !(itemsNode.isTextual() && Template.containsExpression(itemsNode.textValue()))) {
            violations.atValue(Paths.key(path, "items"), "'items' must be an expression giving a list, or a list");
        } else {
            items = scopes.template(itemsNode, Paths.key(path, "items"), outer);
        }
        int concurrency = 1;
        JsonNode c = node.get("concurrency");
        if (c != null) {
            if (!c.isIntegralNumber() || c.asLong() < 1 || c.asLong() > DefinitionReader.MAX_FOREACH_CONCURRENCY) {
                violations.atValue(Paths.key(path, "concurrency"),
                        "'concurrency' must be an integer from 1 to " + DefinitionReader.MAX_FOREACH_CONCURRENCY);
            } else {
                concurrency = c.asInt();
            }
        }
        Set<String> roots = new HashSet<>(outer.roots());
        roots.add("item");
        roots.add("index");
        ExpressionScopes.Scope body = new ExpressionScopes.Scope(Set.copyOf(roots), outer.stepsBefore(), outer.where(), true);
        List<Step> steps = steps(node.get("steps"), Paths.key(path, "steps"), body, outer.stepsBefore());
        return new ForEach(items, concurrency, steps);
    }

    private RetryPolicy retry(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.atValue(path, "'retry' must be a map: maxAttempts, initialInterval, backoffCoefficient, maxInterval");
            return null;
        }
        fields.allowOnly(node, path, Vocabulary.RETRY);
        Integer maxAttempts = null;
        JsonNode m = node.get("maxAttempts");
        if (m != null) {
            if (!m.isIntegralNumber() || m.asLong() < 1 || m.asLong() > 1000) {
                violations.atValue(Paths.key(path, "maxAttempts"), "'maxAttempts' must be an integer from 1 to 1000");
            } else {
                maxAttempts = m.asInt();
            }
        }
        Double backoff = null;
        JsonNode b = node.get("backoffCoefficient");
        if (b != null) {
            if (!b.isNumber() || b.asDouble() < 1.0) {
                violations.atValue(Paths.key(path, "backoffCoefficient"), "'backoffCoefficient' must be a number of at least 1");
            } else {
                backoff = b.asDouble();
            }
        }
        Duration initial = fields.duration(node, path, "initialInterval");
        Duration max = fields.duration(node, path, "maxInterval");
        if (initial != null && max != null && max.compareTo(initial) < 0) {
            violations.atValue(Paths.key(path, "maxInterval"), "'maxInterval' must not be shorter than 'initialInterval'");
        }
        return new RetryPolicy(maxAttempts, initial, backoff, max);
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
