package io.stepwise.core.dsl;

import io.stepwise.core.expr.Template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated, immutable workflow as authored (DSL.md). Maps keep the order the author wrote.
 *
 * @param timeout          whole-run timeout, or null
 * @param concurrencyLimit at most this many non-terminal runs, or null for no limit
 */
public record WorkflowDefinition(
        String name,
        String version,
        String description,
        List<String> tags,
        Duration timeout,
        Integer concurrencyLimit,
        Map<String, InputSchema> inputs,
        List<Trigger> triggers,
        List<Step> steps,
        Map<String, Template> outputs) {

    /** Every step, nested ones included, in document order. */
    public List<Step> allSteps() {
        List<Step> all = new ArrayList<>();
        collect(steps, all);
        return all;
    }

    public Optional<Step> step(String id) {
        return allSteps().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public List<String> secretInputs() {
        return inputs.values().stream().filter(InputSchema::secret).map(InputSchema::name).toList();
    }

    private static void collect(List<Step> steps, List<Step> into) {
        for (Step step : steps) {
            into.add(step);
            if (step.forEach() != null) {
                collect(step.forEach().steps(), into);
            }
        }
    }
}
