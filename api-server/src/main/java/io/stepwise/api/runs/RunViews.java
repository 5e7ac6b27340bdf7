package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.StepStatus;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the run endpoints (API.md, "Runs"). */
public final class RunViews {
    private RunViews() {
    }

    public record LaunchRequest(JsonNode inputs, String executionKey) {
    }

    public record ReplayRequest(JsonNode inputs, String version) {
    }

    /** {@code version}: {@code original} (the default, the run's own) or {@code current} (the workflow's). */
    public record ResumeRequest(String version) {
    }

    public record SignalRequest(String event, String correlationKey, JsonNode payload) {
    }

    public record WorkflowRef(String ref, String versionId, int versionSeq) {
    }

    public record Step(String path, String id, String uses, StepStatus status, int attempts, Instant startedAt,
                       Instant finishedAt, JsonNode output, JsonNode error) {
    }

    public record Wait(String stepPath, String kind, String event, String correlationKey, String status, Instant dueAt) {
    }

    public record Stuck(String reason, Instant since) {
    }

    public record Run(String id, WorkflowRef workflow, RunStatus status, int attempt, String executionKey, JsonNode inputs,
                      JsonNode output, JsonNode error, String replayOf, List<String> replayedBy, Instant createdAt,
                      Instant startedAt, Instant finishedAt, List<Step> steps, List<Wait> waits, Stuck stuck,
                      boolean resumable) {
    }

    public record Summary(String id, String workflow, RunStatus status, int attempt, String executionKey, Instant createdAt,
                          Instant startedAt, Instant finishedAt) {
    }
}
