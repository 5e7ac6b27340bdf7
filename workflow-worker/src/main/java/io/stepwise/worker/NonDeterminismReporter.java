package io.stepwise.worker;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.stepwise.core.runtime.RuntimeContract;
import io.stepwise.core.runtime.WorkflowTaskFailures;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import org.slf4j.MDC;

/**
 * Non-determinism is found by the SDK while it applies history, outside the workflow code, so
 * {@code WorkflowTaskFailureInterceptor} never sees it. What every workflow-task failure does
 * pass through is the worker's {@code RespondWorkflowTaskFailed} call: this gRPC interceptor on
 * the worker's own connection reads the ones whose cause is non-determinism and records them on
 * the run like any other workflow-task failure. The SDK sends that call on the thread that
 * handled the task, with the workflow id in its logging context (MDC key {@code WorkflowId}).
 */
final class NonDeterminismReporter implements ClientInterceptor {
    static final String MDC_WORKFLOW_ID = "WorkflowId";
    private final WorkflowTaskFailures failures;

    NonDeterminismReporter(WorkflowTaskFailures failures) {
        this.failures = failures;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (!method.getFullMethodName().endsWith("/RespondWorkflowTaskFailed")) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void sendMessage(Q message) {
                report(message);
                super.sendMessage(message);
            }
        };
    }

    private void report(Object message) {
        if (!(message instanceof RespondWorkflowTaskFailedRequest request)
                || request.getCause() != WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR) {
            return;
        }
        String runId = RuntimeContract.runIdOf(MDC.get(MDC_WORKFLOW_ID));
        if (runId != null) {
            failures.record(runId, "workflow task failing: non-determinism: " + request.getFailure().getMessage());
        }
    }
}
