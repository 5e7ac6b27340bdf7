package io.stepwise.core.runtime;

import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.failure.TemporalFailure;
import io.temporal.internal.sync.DestroyWorkflowThreadError;
import io.temporal.workflow.Workflow;

/**
 * Sees every throwable that escapes a run's workflow code and is not how a workflow ends on
 * purpose (a {@link TemporalFailure}: the run failed or was canceled) nor the SDK tearing the
 * workflow thread down. Temporal fails the workflow task and retries it forever, so the run would
 * sit RUNNING with nothing said: this reports it to {@link WorkflowTaskFailures}, which the run
 * document shows as the stuck reason. The exception itself goes on unchanged.
 */
public final class WorkflowTaskFailureInterceptor extends WorkerInterceptorBase {
    static final String PREFIX = "workflow task failing: ";
    private final WorkflowTaskFailures failures;

    public WorkflowTaskFailureInterceptor(WorkflowTaskFailures failures) {
        this.failures = failures;
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
        return new WorkflowInboundCallsInterceptorBase(next) {
            @Override
            public WorkflowOutput execute(WorkflowInput input) {
                try {
                    return super.execute(input);
                } catch (TemporalFailure | DestroyWorkflowThreadError meant) {
                    throw meant;
                } catch (RuntimeException | Error e) {
                    report(e);
                    throw e;
                }
            }
        };
    }

    private void report(Throwable e) {
        String runId = RuntimeContract.runIdOf(Workflow.getInfo().getWorkflowId());
        if (runId != null) {
            failures.record(runId, describe(e));
        }
    }

    /** {@code workflow task failing: IllegalStateException: boom}. */
    static String describe(Throwable e) {
        return PREFIX + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
