package io.stepwise.api.runs;

import io.stepwise.api.error.Problem;
import io.stepwise.core.dsl.Step;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.expr.Template;
import io.stepwise.core.runtime.StepStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a resume does (docs/runs.md, "Resume onto a newer version"): which recorded step outcomes
 * the new attempt keeps, which steps run, and what stands in the way. Steps are matched by path and
 * {@code uses}: an outcome is kept when the version the run resumes on has a step at that path
 * ({@code loop[2].child} matches the loop body's {@code child}) with the same {@code uses}.
 *
 * @param fromVersion       the version the run ran on
 * @param toVersion         the version it resumes on (the same for a plain resume)
 * @param kept              recorded outcomes the new attempt reuses, by step path
 * @param discarded         recorded outcomes the new version has no step for (nothing reads them)
 * @param run               the new version's steps that run, in document order (loop bodies as {@code loop[*].child})
 * @param incompatibilities why the resume can't be done; empty when it can
 */
public record ResumePlan(int fromVersion, int toVersion, List<String> kept, List<String> discarded, List<String> run,
                         List<Problem.Error> incompatibilities) {

    /** A step outcome an earlier attempt recorded; {@code uses} is null for a step skipped by its {@code when}. */
    public record Recorded(String path, String uses, StepStatus status) {
    }

    public boolean possible() {
        return incompatibilities.isEmpty();
    }

    /**
     * Plans a resume of a run that ran {@code from} and recorded {@code recorded}, onto {@code to}.
     * {@code inputProblems} are the run's inputs' violations against {@code to}.
     */
    static ResumePlan of(int fromSeq, WorkflowDefinition from, int toSeq, WorkflowDefinition to,
                         List<Recorded> recorded, List<Problem.Error> inputProblems) {
        Map<String, String> shapes = shapes(to);
        Map<String, List<String>> readers = readers(from);
        List<String> kept = new ArrayList<>();
        List<String> discarded = new ArrayList<>();
        List<Problem.Error> problems = new ArrayList<>(inputProblems);
        for (Recorded step : recorded) {
            String shape = shapes.get(template(step.path()));
            if (shape != null && (step.uses() == null || shape.equals(step.uses()))) {
                kept.add(step.path());
                continue;
            }
            discarded.add(step.path());
            List<String> readBy = readers.getOrDefault(id(step.path()), List.of());
            if (step.status() == StepStatus.SUCCEEDED && !readBy.isEmpty()) {
                String change = shape == null ? "version " + toSeq + " has no step '" + step.path() + "'"
                        : "in version " + toSeq + " it uses " + shape + " instead of " + step.uses();
                problems.add(new Problem.Error(null, step.path(), null, null, "step '" + step.path()
                        + "' succeeded and " + String.join(", ", readBy) + " read" + (readBy.size() == 1 ? "s" : "")
                        + " its output, but " + change + "; keep its id and uses, or replay the run"));
            }
        }
        Set<String> keptShapes = new LinkedHashSet<>();
        kept.forEach(path -> keptShapes.add(template(path)));
        List<String> run = new ArrayList<>();
        for (String shape : shapes.keySet()) {
            boolean insideKeptLoop = keptShapes.stream().anyMatch(loop -> shape.startsWith(loop + "[*]."));
            // a loop body step runs unless the whole loop is kept; a top-level step unless it is
            if (!insideKeptLoop && (shape.contains("[*]") || !keptShapes.contains(shape))) {
                run.add(shape);
            }
        }
        return new ResumePlan(fromSeq, toSeq, List.copyOf(kept), List.copyOf(discarded), List.copyOf(run),
                List.copyOf(problems));
    }

    /** Whether a resumed attempt of a run on {@code definition} reuses this recorded outcome. */
    static boolean keeps(WorkflowDefinition definition, String path, String uses) {
        String shape = shapes(definition).get(template(path));
        return shape != null && (uses == null || shape.equals(uses));
    }

    /** Every step's path template and its {@code uses} ({@code forEach} for a loop), in document order. */
    private static Map<String, String> shapes(WorkflowDefinition definition) {
        Map<String, String> shapes = new LinkedHashMap<>();
        collect(definition.steps(), "", shapes);
        return shapes;
    }

    private static void collect(List<Step> steps, String prefix, Map<String, String> into) {
        for (Step step : steps) {
            into.put(prefix + step.id(), step.isLoop() ? "forEach" : step.uses());
            if (step.isLoop()) {
                collect(step.forEach().steps(), prefix + step.id() + "[*].", into);
            }
        }
    }

    /** A run's step path as its template: iteration indexes become {@code [*]}. */
    private static String template(String path) {
        return path.replaceAll("\\[\\d+]", "[*]");
    }

    /** The step id a path ends in: ids are unique across a definition. */
    private static String id(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** For each step id, what reads its output ({@code step 'b'}, {@code the outputs}), in document order. */
    private static Map<String, List<String>> readers(WorkflowDefinition definition) {
        Map<String, List<String>> readers = new TreeMap<>();
        for (Step step : definition.allSteps()) {
            List<Template> templates = new ArrayList<>(List.of(step.with()));
            if (step.when() != null) {
                templates.add(step.when());
            }
            if (step.isLoop()) {
                templates.add(step.forEach().items());
            }
            addReads(templates, "step '" + step.id() + "'", readers);
        }
        addReads(definition.outputs().values(), "the outputs", readers);
        return readers;
    }

    private static void addReads(Iterable<Template> templates, String reader, Map<String, List<String>> readers) {
        for (Template template : templates) {
            template.forEachExpression("", (path, offset, expression) -> {
                for (String ref : expression.stepRefs()) {
                    List<String> list = readers.computeIfAbsent(ref, k -> new ArrayList<>());
                    if (!list.contains(reader)) {
                        list.add(reader);
                    }
                }
            });
        }
    }
}
