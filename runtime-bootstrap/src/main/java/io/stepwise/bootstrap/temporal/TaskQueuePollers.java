package io.stepwise.bootstrap.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The identities of the workers Temporal saw polling a queue's workflow tasks recently (the server
 * keeps pollers for about a minute). Empty when the server does not report pollers: the embedded
 * test server answers DescribeTaskQueue with UNIMPLEMENTED. Other failures reach the caller.
 */
public final class TaskQueuePollers {
    private TaskQueuePollers() {
    }

    /** A worker Temporal saw poll, and when it last did. */
    public record Poller(String identity, Instant lastAccessTime) {
    }

    public static Optional<List<Poller>> of(WorkflowServiceStubs stubs, String namespace, String queue) {
        try {
            return Optional.of(stubs.blockingStub().describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
                            .setNamespace(namespace)
                            .setTaskQueue(TaskQueue.newBuilder().setName(queue).build())
                            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                            .build())
                    .getPollersList().stream().map(TaskQueuePollers::poller).toList());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Poller poller(PollerInfo info) {
        return new Poller(info.getIdentity(), info.hasLastAccessTime()
                ? Instant.ofEpochSecond(info.getLastAccessTime().getSeconds(), info.getLastAccessTime().getNanos()) : null);
    }
}
