package io.stepwise.core.runtime;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The interpreter of authored workflows: one execution per run attempt, id {@code stepwise-run-<runId>}. */
@WorkflowInterface
public interface AuthoredWorkflow {

    @WorkflowMethod(name = RuntimeContract.WORKFLOW_TYPE)
    RunResult run(RunInput input);

    @SignalMethod(name = RuntimeContract.EVENT_SIGNAL)
    void event(EventSignal signal);

    @QueryMethod(name = RuntimeContract.STATE_QUERY)
    RunState state();
}
