package io.stepwise.core.runtime;

/**
 * Every name the producer (api-server) and the consumer (workflow-worker) must agree on.
 * Nothing else in the code base spells these strings (ARCHITECTURE.md, "The runtime contract").
 */
public final class RuntimeContract {
    /** The authored-workflow task queue; renamed only through {@code stepwise.temporal.task-queue}. */
    public static final String DEFAULT_TASK_QUEUE = "stepwise-authored";
    /** The Temporal workflow type of every authored run. */
    public static final String WORKFLOW_TYPE = "StepwiseAuthoredWorkflow";
    /** The signal that delivers an event to a run: {@link EventSignal}. */
    public static final String EVENT_SIGNAL = "stepwise.event";
    /** The query that answers the run's current state: {@link RunState}. */
    public static final String STATE_QUERY = "stepwise.state";
    private static final String WORKFLOW_ID_PREFIX = "stepwise-run-";

    private RuntimeContract() {
    }

    /** The workflow id of a run: {@code stepwise-run-<runId>}; fixed, so a second start is a no-op. */
    public static String workflowId(String runId) {
        return WORKFLOW_ID_PREFIX + runId;
    }

    /** The run id inside a workflow id, or null when the id is not a Stepwise run's. */
    public static String runIdOf(String workflowId) {
        return workflowId != null && workflowId.startsWith(WORKFLOW_ID_PREFIX)
                ? workflowId.substring(WORKFLOW_ID_PREFIX.length()) : null;
    }
}
