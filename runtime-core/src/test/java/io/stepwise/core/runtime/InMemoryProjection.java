package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link RunProjection} that keeps everything in memory for tests to inspect; idempotent like the real one. */
public class InMemoryProjection implements RunProjection {

    public record StepRecord(String runId, String path, int attempt, String uses, StepStatus status, JsonNode output,
                             RunError error, int attempts) {
    }

    public record RunRecord(RunStatus status, JsonNode output, RunError error) {
    }

    private final List<String> events = new ArrayList<>();
    private final Map<String, StepRecord> steps = new LinkedHashMap<>();
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();

    @Override
    public synchronized void runStarted(String runId, int attempt) {
        events.add(runId + " run-started " + attempt);
    }

    @Override
    public synchronized void runFinished(String runId, int attempt, RunStatus status, JsonNode output, RunError error) {
        events.add(runId + " run-finished " + status);
        runs.put(runId, new RunRecord(status, output, error));
    }

    @Override
    public synchronized void stepStarted(String runId, String stepPath, String uses, int attempt) {
        events.add(runId + " step-started " + stepPath);
        steps.put(runId + "|" + stepPath + "|" + attempt,
                new StepRecord(runId, stepPath, attempt, uses, StepStatus.RUNNING, null, null, 0));
    }

    @Override
    public synchronized void stepFinished(String runId, String stepPath, int attempt, StepStatus status, JsonNode output,
                                          RunError error, int attempts) {
        events.add(runId + " step-" + status.name().toLowerCase() + " " + stepPath);
        StepRecord started = steps.get(runId + "|" + stepPath + "|" + attempt);
        steps.put(runId + "|" + stepPath + "|" + attempt, new StepRecord(runId, stepPath, attempt,
                started == null ? null : started.uses(), status, output, error, attempts));
    }

    @Override
    public synchronized void waitOpened(String runId, String stepPath, int attempt, String kind, String event,
                                        String correlationKey, String dueAt) {
        events.add(runId + " wait-opened " + stepPath + " " + kind);
    }

    @Override
    public synchronized void waitClosed(String runId, String stepPath, int attempt, String outcome) {
        events.add(runId + " wait-closed " + stepPath + " " + outcome);
    }

    /** The run's events without the run id, in order. */
    public synchronized List<String> events(String runId) {
        return events.stream().filter(e -> e.startsWith(runId + " ")).map(e -> e.substring(runId.length() + 1)).toList();
    }

    public synchronized StepRecord step(String runId, String path, int attempt) {
        return steps.get(runId + "|" + path + "|" + attempt);
    }

    public synchronized RunRecord run(String runId) {
        return runs.get(runId);
    }
}
