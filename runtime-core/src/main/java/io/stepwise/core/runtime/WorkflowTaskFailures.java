package io.stepwise.core.runtime;

/**
 * Where the worker reports that a run's workflow code threw: Temporal retries such a workflow
 * task forever, so without a report the run would look alive and make no progress.
 */
@FunctionalInterface
public interface WorkflowTaskFailures {

    /**
     * Called on the workflow thread: must return at once (hand the write to another thread).
     *
     * @param failure {@code workflow task failing: <ExceptionClass>: <message>}
     */
    void record(String runId, String failure);
}
