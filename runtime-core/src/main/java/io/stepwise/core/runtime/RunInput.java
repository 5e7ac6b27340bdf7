package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * What a run execution starts with.
 *
 * @param versionId the pinned definition version, loaded through an activity
 * @param inputs    validated inputs with defaults applied
 * @param attempt   1 for a launch, +1 for each resume
 * @param recorded  outcomes of steps that must not run again (resume), by step path
 * @param timersDue for a resume: the instant (ISO-8601) each unfinished {@code time.wait} was due,
 *                  by step path, so that it waits only for the time it had left
 */
public record RunInput(String runId, String workflowRef, String versionId, JsonNode inputs, int attempt,
                       Map<String, RecordedStep> recorded, Map<String, String> timersDue) {

    public RunInput {
        recorded = recorded == null ? Map.of() : Map.copyOf(recorded);
        timersDue = timersDue == null ? Map.of() : Map.copyOf(timersDue);
    }

    public RunInput(String runId, String workflowRef, String versionId, JsonNode inputs, int attempt,
                    Map<String, RecordedStep> recorded) {
        this(runId, workflowRef, versionId, inputs, attempt, recorded, Map.of());
    }
}
