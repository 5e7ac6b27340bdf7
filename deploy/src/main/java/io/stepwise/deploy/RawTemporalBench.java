package io.stepwise.deploy;

import io.stepwise.bootstrap.crypto.EncryptionCodec;
import io.stepwise.core.crypto.Keyring;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.GrpcCompression;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The e2e benchmark's baseline series: {@link BaselineWorkflow} started directly through the
 * Temporal client on a task queue of its own, against the local stack's Temporal, with a worker in
 * this process set up as the Stepwise worker sets up its own (sticky execution and local-activity
 * slots as that worker logged them, SDK defaults for the rest, a polling connection of its own, the
 * same payload encryption). No api-server, no database. End-to-end latency is the execution's
 * start time to its close time as Temporal recorded them.
 */
final class RawTemporalBench implements AutoCloseable {
    static final String QUEUE = "stepwise-bench-raw";
    private static final String NAMESPACE = "default";

    /** Where Temporal is, the keyring file, and the Stepwise worker's settings to copy. */
    record Settings(String target, Path keysFile, boolean stickyExecution, int localActivitySlots) {
    }

    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;
    private final WorkflowServiceStubs pollingStubs;
    private final WorkerFactory factory;

    RawTemporalBench(Settings settings) throws Exception {
        Keyring keyring = Keyring.parse(Files.readString(settings.keysFile()), settings.keysFile().toString());
        WorkflowClientOptions clientOptions = WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE)
                .setDataConverter(EncryptionCodec.dataConverter(keyring)).build();
        stubs = WorkflowServiceStubs.newServiceStubs(stubsOptions(settings.target()));
        client = WorkflowClient.newInstance(stubs, clientOptions);
        // as the Stepwise worker does, the worker polls on a connection of its own
        pollingStubs = WorkflowServiceStubs.newServiceStubs(stubsOptions(settings.target()));
        factory = WorkerFactory.newInstance(WorkflowClient.newInstance(pollingStubs, clientOptions));
        WorkerOptions.Builder options = WorkerOptions.newBuilder()
                .setMaxConcurrentLocalActivityExecutionSize(settings.localActivitySlots());
        if (!settings.stickyExecution()) {
            options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        Worker worker = factory.newWorker(QUEUE, options.build());
        worker.registerWorkflowImplementationTypes(BaselineWorkflow.Impl.class);
        worker.registerActivitiesImplementations(new BaselineWorkflow.HttpImpl());
        factory.start();
    }

    /** The services' connection settings on the local stack (TemporalClientProducer; ./run.sh: no compression). */
    private static WorkflowServiceStubsOptions stubsOptions(String target) {
        Duration rpcTimeout = Duration.ofSeconds(10);
        return WorkflowServiceStubsOptions.newBuilder().setTarget(target).setRpcTimeout(rpcTimeout)
                .setRpcRetryOptions(RpcRetryOptions.newBuilder().setExpiration(rpcTimeout).validateBuildWithDefaults())
                .setConnectionBackoffResetFrequency(Duration.ofSeconds(10))
                .setGrpcCompression(GrpcCompression.NONE).build();
    }

    /** A phase: which executions it started, and its launches. */
    record Phase(List<String> ids, BenchLoad.Launches launches, List<Long> observedMs) {
    }

    Phase launchAll(String url, int count, int clients, double rate, BenchLoad.Mode mode) throws Exception {
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        List<Long> observed = java.util.Collections.synchronizedList(new ArrayList<>());
        BenchLoad.Launches launches = BenchLoad.drive(count, clients, rate, () -> {
            String id = "bench-raw-" + UUID.randomUUID();
            BaselineWorkflow stub = client.newWorkflowStub(BaselineWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
            long t0 = System.nanoTime();
            WorkflowClient.start(stub::run, url);
            long latency = System.nanoTime() - t0;
            ids.add(id);
            if (mode.waits()) {
                // the Temporal client's own wait for the result (a long poll of the history)
                WorkflowStub.fromTyped(stub).getResult(Boolean.class);
                observed.add((System.nanoTime() - t0) / 1_000_000);
            }
            return latency;
        });
        return new Phase(new ArrayList<>(ids), launches, mode.waits() ? observed : null);
    }

    /** Waits until the workflow code of {@code total} runs returned (counted in this process), then a little more. */
    void awaitCompleted(int total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (BaselineWorkflow.Impl.COMPLETED.get() < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("baseline runs still active after 10 minutes");
            }
            Thread.sleep(100);
        }
        Thread.sleep(500);
    }

    static int completedSoFar() {
        return BaselineWorkflow.Impl.COMPLETED.get();
    }

    /** Describes every execution of the phase (once all are done, so that it loads nothing measured). */
    BenchLoad.Series measure(Phase phase, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, clients));
        List<Future<WorkflowExecutionInfo>> infos = new ArrayList<>();
        for (String id : phase.ids()) {
            infos.add(pool.submit(() -> describe(id)));
        }
        long failed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<Long> e2e = new ArrayList<>();
        try {
            for (Future<WorkflowExecutionInfo> f : infos) {
                WorkflowExecutionInfo info = f.get();
                if (info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
                    failed++;
                    if (!info.hasCloseTime()) {
                        continue;
                    }
                }
                long start = millis(info.getStartTime());
                long close = millis(info.getCloseTime());
                first = Math.min(first, start);
                last = Math.max(last, close);
                e2e.add(close - start);
            }
        } finally {
            pool.shutdownNow();
        }
        return BenchLoad.Series.of("raw", phase.ids().size(), failed, (last - first) / 1000.0, phase.launches(), e2e,
                "Temporal's start time to close time", phase.observedMs());
    }

    private WorkflowExecutionInfo describe(String workflowId) {
        return stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(NAMESPACE).setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build()).getWorkflowExecutionInfo();
    }

    private static long millis(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }

    /** The event types of an execution's history (any workflow on this Temporal), counted, and its size ("bytes"). */
    Map<String, Integer> historyCounts(String workflowId) {
        Map<String, Integer> counts = new TreeMap<>();
        com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
        do {
            GetWorkflowExecutionHistoryResponse r = stubs.blockingStub().getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace(NAMESPACE)
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                            .setNextPageToken(page).build());
            for (HistoryEvent e : r.getHistory().getEventsList()) {
                counts.merge(shortName(e.getEventType()), 1, Integer::sum);
            }
            // what a workflow task that replays the run fetches (without sticky execution, every one)
            counts.merge("bytes", r.getHistory().getSerializedSize(), Integer::sum);
            page = r.getNextPageToken();
        } while (!page.isEmpty());
        return counts;
    }

    private static String shortName(EventType type) {
        return type.name().replace("EVENT_TYPE_", "");
    }

    @Override
    public void close() {
        factory.shutdown();
        factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        pollingStubs.shutdown();
        stubs.shutdown();
    }
}
