package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.expr.Expression;
import io.stepwise.core.expr.Template;
import io.stepwise.core.internal.yaml.Paths;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the templates of a definition and, once every step is known, checks what each
 * expression may read there: its roots ({@code inputs}, {@code item}, {@code event}, ...) and the
 * steps that have run before it.
 */
final class ExpressionScopes {
    /** Where an expression sits: which roots it may use, which step ids have run before it, whether inside a loop. */
    record Scope(Set<String> roots, Set<String> stepsBefore, String where, boolean inLoop) {
        Scope withStepsBefore(Set<String> steps) {
            return new Scope(roots, steps, where, inLoop);
        }
    }

    /** Where a step is declared: its path, the list it is in, whether that list is a loop's body. */
    record StepSite(String path, String list, boolean inLoop) {
    }

    private record PendingCheck(String path, Template template, Scope scope) {
    }

    private final Violations violations;
    private final List<PendingCheck> pending = new ArrayList<>();
    private final Map<String, StepSite> steps = new HashMap<>();

    ExpressionScopes(Violations violations) {
        this.violations = violations;
    }

    /** Records a step id; answers the site that already holds the id, or null when it is new. */
    StepSite declare(String id, StepSite site) {
        return steps.putIfAbsent(id, site);
    }

    Template template(JsonNode node, String path, Scope scope) {
        List<Template.Problem> problems = new ArrayList<>();
        Template template = Template.compile(node, problems);
        for (Template.Problem p : problems) {
            violations.atOffset(Paths.join(path, p.relativePath()), p.offset(), p.message());
        }
        if (problems.isEmpty()) {
            pending.add(new PendingCheck(path, template, scope));
        }
        return template;
    }

    Map<String, Template> templateMap(JsonNode parent, String parentPath, String field, Scope scope) {
        JsonNode node = parent.get(field);
        Map<String, Template> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        String path = Paths.key(parentPath, field);
        if (!node.isObject()) {
            violations.atValue(path, "'" + field + "' must be a map of name to value or expression");
            return map;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), template(e.getValue(), Paths.key(path, e.getKey()), scope));
        }
        return map;
    }

    /** Checks every expression compiled so far; call once the whole definition is read. */
    void checkAll() {
        for (PendingCheck check : pending) {
            check.template().forEachExpression("", (relative, offset, expression) ->
                    check(Paths.join(check.path(), relative), offset, expression, check.scope()));
        }
    }

    private void check(String path, int offset, Expression expression, Scope scope) {
        for (String root : expression.roots()) {
            if (!scope.roots().contains(root)) {
                violations.atOffset(path, offset, "'" + root + "' is not available here: " + whereRootWorks(root));
            }
        }
        if (!scope.roots().contains("steps")) {
            return;
        }
        for (String ref : expression.stepRefs()) {
            if (scope.stepsBefore().contains(ref)) {
                continue;
            }
            StepSite site = steps.get(ref);
            String message;
            if (site == null) {
                message = "unknown step '" + ref + "' in ${{ " + expression.source() + " }}";
            } else if (site.inLoop() && !path.startsWith(site.list() + "[")) {
                message = "step '" + ref + "' runs inside a forEach and is not visible here; read the loop's output instead";
            } else {
                message = "step '" + ref + "' does not run before this point, so its output is not available here";
            }
            violations.atOffset(path, offset, message);
        }
    }

    private static String whereRootWorks(String root) {
        return switch (root) {
            case "item", "index" -> "'" + root + "' is bound only inside a forEach body";
            case "event" -> "'event' is bound only in trigger inputs";
            default -> "trigger inputs may read 'event' only";
        };
    }
}
