package io.stepwise.api.runs;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.temporal.TaskQueuePollers;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RuntimeContract;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.stepwise.core.runtime.RunState;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every call the api-server makes to Temporal about a run: start, describe, state, signal, cancel, and
 * who polls a queue. Each goes through the {@link TemporalGate} (503 at once while
 * Temporal is known to be down) and one mapping of "no such execution" (gRPC NOT_FOUND, or the
 * SDK's {@link WorkflowNotFoundException}, which also means "already closed" for signal and cancel).
 * Callers never hold a database transaction while they call in here.
 */
@ApplicationScoped
public class TemporalRuns {
    private static final Logger LOG = Logger.getLogger(TemporalRuns.class);

    /** What a start did. {@code DEFERRED}: Temporal is down or refused; the run stays PENDING for the reconciler. */
    public enum Started { STARTED, ALREADY_STARTED, DEFERRED }

    /** What a signal or a cancel request did: reached the execution, or found none that is open. */
    public enum Reached { DELIVERED, NO_OPEN_EXECUTION }

    private final WorkflowClient temporal;
    private final TemporalConfig config;
    private final TemporalGate gate;

    public TemporalRuns(WorkflowClient temporal, TemporalConfig config, TemporalGate gate) {
        this.temporal = temporal;
        this.config = config;
        this.gate = gate;
    }

    /** True while a recent call found Temporal unreachable. */
    public boolean down() {
        return gate.down();
    }

    /** Starts {@code stepwise-run-<id>}; a second start of the same id is a no-op. Never throws. */
    public Started start(UUID runId, RunInput input) {
        if (gate.down()) {
            LOG.debugf("run_start_deferred run_id=%s reason=temporal_unreachable", runId);
            return Started.DEFERRED;
        }
        WorkflowStub stub = temporal.newUntypedWorkflowStub(RuntimeContract.WORKFLOW_TYPE, WorkflowOptions.newBuilder()
                .setTaskQueue(config.taskQueue())
                .setWorkflowId(RuntimeContract.workflowId(runId.toString()))
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
        try {
            stub.start(input);
            gate.answered();
            return Started.STARTED;
        } catch (WorkflowExecutionAlreadyStarted already) {
            gate.answered();
            LOG.debugf("run_already_started run_id=%s", runId);
            return Started.ALREADY_STARTED;
        } catch (RuntimeException e) {
            gate.failed(e);
            LOG.warnf("run_start_deferred run_id=%s reason=%s", runId, e.getMessage());
            return Started.DEFERRED;
        }
    }

    /** The execution's state; 503 ({@link ApiException.Unavailable}) when Temporal does not answer. */
    public ExecutionState describe(UUID runId) {
        return call(() -> ExecutionState.of(temporal.getWorkflowServiceStubs().blockingStub()
                .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(temporal.getOptions().getNamespace())
                        .setExecution(WorkflowExecution.newBuilder()
                                .setWorkflowId(RuntimeContract.workflowId(runId.toString())).build())
                        .build())
                .getWorkflowExecutionInfo().getStatus()), ExecutionState.NOT_FOUND);
    }

    /**
     * The run's state as its workflow answers the state query, or empty when it does not answer
     * within {@code deadline} (no worker polls, the execution is closed or gone, Temporal is down).
     * A query that goes unanswered says nothing about Temporal itself, so it leaves the gate alone.
     */
    public Optional<RunState> state(UUID runId, Duration deadline) {
        if (gate.down()) {
            return Optional.empty();
        }
        try {
            QueryWorkflowResponse answer = temporal.getWorkflowServiceStubs().blockingStub()
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .queryWorkflow(QueryWorkflowRequest.newBuilder()
                            .setNamespace(temporal.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder()
                                    .setWorkflowId(RuntimeContract.workflowId(runId.toString())).build())
                            .setQuery(WorkflowQuery.newBuilder().setQueryType(RuntimeContract.STATE_QUERY).build())
                            .setQueryRejectCondition(QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN)
                            .build());
            if (answer.hasQueryRejected() || !answer.hasQueryResult()) {
                return Optional.empty();
            }
            return Optional.ofNullable(temporal.getOptions().getDataConverter().fromPayloads(0,
                    Optional.of(answer.getQueryResult()), RunState.class, RunState.class));
        } catch (RuntimeException e) {
            LOG.debugf("run_state_unanswered run_id=%s reason=%s", runId, e.getMessage());
            return Optional.empty();
        }
    }

    public Reached signal(UUID runId, EventSignal signal) {
        return call(() -> {
            stub(runId).signal(RuntimeContract.EVENT_SIGNAL, signal);
            return Reached.DELIVERED;
        }, Reached.NO_OPEN_EXECUTION);
    }

    public Reached cancel(UUID runId) {
        return call(() -> {
            stub(runId).cancel();
            return Reached.DELIVERED;
        }, Reached.NO_OPEN_EXECUTION);
    }

    /**
     * The workers Temporal saw poll a queue's workflow tasks; empty when it can't tell (the embedded
     * dev server does not report pollers) or does not answer.
     */
    public Optional<List<TaskQueuePollers.Poller>> pollers(String queue) {
        if (gate.down()) {
            return Optional.empty();
        }
        try {
            Optional<List<TaskQueuePollers.Poller>> seen = TaskQueuePollers.of(temporal.getWorkflowServiceStubs(),
                    config.namespace(), queue);
            gate.answered();
            return seen;
        } catch (RuntimeException e) {
            gate.failed(e);
            return Optional.empty();
        }
    }

    private <T> T call(Supplier<T> call, T whenNotFound) {
        if (gate.down()) {
            throw new ApiException.Unavailable("Temporal does not answer; try again shortly");
        }
        try {
            T answer = call.get();
            gate.answered();
            return answer;
        } catch (RuntimeException e) {
            if (notFound(e)) {
                gate.answered();
                return whenNotFound;
            }
            if (gate.failed(e)) {
                throw new ApiException.Unavailable("Temporal does not answer; try again shortly");
            }
            throw e;
        }
    }

    /** The one NOT_FOUND mapping: the SDK's exception or the gRPC status, wherever it sits in the chain. */
    static boolean notFound(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof WorkflowNotFoundException) {
                return true;
            }
            if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return true;
            }
        }
        return false;
    }

    private WorkflowStub stub(UUID runId) {
        return temporal.newUntypedWorkflowStub(RuntimeContract.workflowId(runId.toString()));
    }
}
