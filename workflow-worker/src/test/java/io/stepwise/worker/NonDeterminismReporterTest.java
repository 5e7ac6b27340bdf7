package io.stepwise.worker;

import io.stepwise.core.runtime.RuntimeContract;
import io.stepwise.core.runtime.WorkflowTaskFailures;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow whose code changed under a running execution (non-determinism) makes Temporal retry
 * its workflow task forever; the worker's connection reports it on the run, within seconds.
 */
class NonDeterminismReporterTest {
    private static final String QUEUE = "nondeterminism-test";

    @WorkflowInterface
    public interface Probe {
        @WorkflowMethod(name = "Probe")
        void run();

        @SignalMethod
        void go();
    }

    /** The code the execution started with: a timer, then a wait for the signal. */
    public static class Before implements Probe {
        private boolean go;

        @Override
        public void run() {
            Workflow.newTimer(Duration.ofHours(1));
            Workflow.await(() -> go);
        }

        @Override
        public void go() {
            go = true;
        }
    }

    /** The code deployed after: no timer any more, so the recorded TimerStarted matches nothing. */
    public static class After implements Probe {
        private boolean go;

        @Override
        public void run() {
            Workflow.await(() -> go);
        }

        @Override
        public void go() {
            go = true;
        }
    }

    @Test
    void aChangedWorkflowUnderARunningExecutionIsRecordedOnTheRun() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port, true);
        Map<String, String> recorded = new ConcurrentHashMap<>();
        WorkflowTaskFailures failures = recorded::put;
        String runId = UUID.randomUUID().toString();
        String target = "127.0.0.1:" + port;
        WorkflowServiceStubs clientStubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        WorkflowServiceStubs firstStubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        WorkflowServiceStubs secondStubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target).setGrpcClientInterceptors(List.of(new NonDeterminismReporter(failures))).build());
        try {
            WorkerFactory first = worker(firstStubs, Before.class);
            WorkflowClient client = WorkflowClient.newInstance(clientStubs);
            WorkflowStub stub = client.newUntypedWorkflowStub("Probe", WorkflowOptions.newBuilder()
                    .setTaskQueue(QUEUE).setWorkflowId(RuntimeContract.workflowId(runId)).build());
            stub.start();
            awaitTimerStarted(client, runId);
            first.shutdownNow();
            first.awaitTermination(5, TimeUnit.SECONDS);

            worker(secondStubs, After.class);
            stub.signal("go");

            Instant deadline = Instant.now().plusSeconds(15);
            while (!recorded.containsKey(runId) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertThat(recorded.get(runId)).as("the failure recorded on the run")
                    .startsWith("workflow task failing: non-determinism: ")
                    .contains("TIMER");
        } finally {
            secondStubs.shutdownNow();
            firstStubs.shutdownNow();
            clientStubs.shutdownNow();
            temporal.close();
        }
    }

    private static WorkerFactory worker(WorkflowServiceStubs stubs, Class<? extends Probe> implementation) {
        WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(stubs));
        // as the local stack runs: no sticky queue, so the next task goes to whichever worker polls
        factory.newWorker(QUEUE, WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build())
                .registerWorkflowImplementationTypes(implementation);
        factory.start();
        return factory;
    }

    private static void awaitTimerStarted(WorkflowClient client, String runId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            boolean started = client.fetchHistory(RuntimeContract.workflowId(runId)).getEvents().stream()
                    .anyMatch(e -> e.hasTimerStartedEventAttributes());
            if (started) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first worker never started the timer");
    }
}
