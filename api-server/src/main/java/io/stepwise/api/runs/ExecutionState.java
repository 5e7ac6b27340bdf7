package io.stepwise.api.runs;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;

/**
 * What Temporal says about a run's execution: running, closed with a status, or unknown to the
 * server (never started, or forgotten by a dev server that restarted). {@link #stored()} is the
 * value the reconciler keeps in {@code runs.execution_state}.
 */
public sealed interface ExecutionState {

    String stored();

    record Running() implements ExecutionState {
        @Override
        public String stored() {
            return "RUNNING";
        }
    }

    record Closed(WorkflowExecutionStatus status) implements ExecutionState {
        @Override
        public String stored() {
            return "CLOSED";
        }

        /** COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT. */
        public String label() {
            return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
        }
    }

    record NotFound() implements ExecutionState {
        @Override
        public String stored() {
            return "NOT_FOUND";
        }
    }

    ExecutionState RUNNING = new Running();
    ExecutionState NOT_FOUND = new NotFound();

    static ExecutionState of(WorkflowExecutionStatus status) {
        return switch (status) {
            case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> RUNNING;
            default -> new Closed(status);
        };
    }
}
