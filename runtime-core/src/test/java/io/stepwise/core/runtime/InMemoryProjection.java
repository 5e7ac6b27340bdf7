package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link RunProjection} that keeps everything in memory for tests to inspect; idempotent like the real one. */
public class InMemoryProjection extends RunProjectionHandler {

    public record StepRecord(String runId, String path, int attempt, String uses, StepStatus status, JsonNode output,
                             RunError error, int attempts) {
    }

    public record RunRecord(RunStatus status, JsonNode output, RunError error) {
    }

    private final List<String> events = new ArrayList<>();
    private final Map<String, StepRecord> steps = new LinkedHashMap<>();
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();

    /** Every batch the interpreter sent, to check that changes arrive in batches. */
    private final List<Integer> batchSizes = new ArrayList<>();
    /** Each run's calls, in order: how many changes each carried. */
    private final Map<String, List<Integer>> runBatches = new LinkedHashMap<>();
    /** Runs whose next calls fail, and how many of them still will. */
    private final Map<String, Integer> failing = new LinkedHashMap<>();
    private final Map<String, Integer> failedCalls = new LinkedHashMap<>();
    /** Runs whose next call takes this long, once. */
    private final Map<String, Long> slow = new LinkedHashMap<>();

    @Override
    public void apply(ProjectionChange[] changes) {
        Long delay;
        synchronized (this) {
            delay = slow.remove(changes[0].runId());
        }
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        record(changes);
    }

    private synchronized void record(ProjectionChange[] changes) {
        String runId = changes[0].runId();
        int left = failing.getOrDefault(runId, 0);
        if (left > 0) {
            failing.put(runId, left - 1);
            failedCalls.merge(runId, 1, Integer::sum);
            throw new IllegalStateException("the database is away (test)");
        }
        batchSizes.add(changes.length);
        runBatches.computeIfAbsent(runId, id -> new ArrayList<>()).add(changes.length);
        super.apply(changes);
    }

    /** The run's next projection call takes {@code millis} before it writes, as on a loaded database. */
    public synchronized void slowNext(String runId, long millis) {
        slow.put(runId, millis);
    }

    /** The run's next {@code calls} projection calls fail, as if the database were away. */
    public synchronized void failNext(String runId, int calls) {
        failing.put(runId, calls);
    }

    public synchronized int failedCalls(String runId) {
        return failedCalls.getOrDefault(runId, 0);
    }

    public synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    /** The sizes of the calls that wrote this run's changes, in order. */
    public synchronized List<Integer> batchSizes(String runId) {
        return List.copyOf(runBatches.getOrDefault(runId, List.of()));
    }

    @Override
    protected void runStarted(ProjectionChange.RunStarted c) {
        events.add(c.runId() + " run-started " + c.attempt());
    }

    @Override
    protected void runFinished(ProjectionChange.RunFinished c) {
        events.add(c.runId() + " run-finished " + c.status());
        runs.put(c.runId(), new RunRecord(c.status(), c.output(), c.error()));
    }

    @Override
    protected void stepStarted(ProjectionChange.StepStarted c) {
        events.add(c.runId() + " step-started " + c.stepPath());
        steps.put(c.runId() + "|" + c.stepPath() + "|" + c.attempt(),
                new StepRecord(c.runId(), c.stepPath(), c.attempt(), c.uses(), StepStatus.RUNNING, null, null, 0));
    }

    @Override
    protected void stepFinished(ProjectionChange.StepFinished c) {
        events.add(c.runId() + " step-" + c.status().name().toLowerCase() + " " + c.stepPath());
        String key = c.runId() + "|" + c.stepPath() + "|" + c.attempt();
        StepRecord started = steps.get(key);
        steps.put(key, new StepRecord(c.runId(), c.stepPath(), c.attempt(), started == null ? null : started.uses(),
                c.status(), c.output(), c.error(), c.attempts()));
    }

    @Override
    protected void waitOpened(ProjectionChange.WaitOpened c) {
        events.add(c.runId() + " wait-opened " + c.stepPath() + " " + c.kind());
    }

    @Override
    protected void waitClosed(ProjectionChange.WaitClosed c) {
        events.add(c.runId() + " wait-closed " + c.stepPath() + " " + c.outcome());
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
