package io.stepwise.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepwise.bootstrap.config.AuthoredWorker;
import io.stepwise.bootstrap.projection.DbWorkflowTaskFailures;
import io.stepwise.bootstrap.testing.TestKeys;
import io.stepwise.bootstrap.testing.TestPostgres;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RunResult;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.RuntimeContract;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A worker dies while runs wait, against Temporal's port-bound test server as ./run.sh embeds
 * it: that server never moves a dead worker's sticky tasks back to the normal queue, so with
 * {@code stepwise.worker.sticky-execution=false} (what ./run.sh sets for it) the runs continue on
 * the next worker, whether their signal came before it started or after.
 */
class WorkerCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WAITING_RUN = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: waits
            steps:
              - id: approve
                uses: event.wait
                with: { event: approval }
            outputs:
              by: ${{ steps.approve.output.user }}
            """;
    private static TestPostgres postgres;
    private static PGSimpleDataSource db;

    private TestServer.PortBoundTestServer temporal;
    private String target;
    private WorkflowServiceStubs clientStubs;
    private WorkflowClient client;
    private Worker first;
    private Worker second;

    /** One worker process: its own connection to Temporal, as a separate JVM would have. */
    private record Worker(WorkflowServiceStubs stubs, WorkerFactory factory) {
        /**
         * Like kill -9: the connection goes first, so nothing the dying worker does afterwards (an
         * interrupted activity reporting its failure) reaches the server; no drain.
         */
        void kill() {
            stubs.shutdownNow();
            factory.shutdownNow();
        }
    }

    @BeforeAll
    static void database() throws Exception {
        postgres = TestPostgres.start();
        Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                .locations("classpath:db/migration").load().migrate();
        db = new PGSimpleDataSource();
        db.setURL(postgres.jdbcUrl());
        if (postgres.user() != null) {
            db.setUser(postgres.user());
        }
        if (postgres.password() != null) {
            db.setPassword(postgres.password());
        }
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startTemporal() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        temporal = TestServer.createPortBoundServer(port, true);
        target = "127.0.0.1:" + port;
        clientStubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        client = WorkflowClient.newInstance(clientStubs, TestKeys.clientOptions().build());
    }

    @AfterEach
    void stopTemporal() {
        for (Worker w : new Worker[]{first, second}) {
            if (w != null) {
                w.kill();
            }
        }
        clientStubs.shutdownNow();
        temporal.close();
    }

    private Worker startWorker(String name, boolean stickyExecution) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        WorkflowClient workerClient = WorkflowClient.newInstance(stubs, TestKeys.clientOptions()
                .setIdentity("workflow-worker@" + name).build());
        WorkerFactory factory = AuthoredWorker.newFactory(workerClient, new DbWorkflowTaskFailures(db));
        AuthoredWorker.register(factory, RuntimeContract.DEFAULT_TASK_QUEUE,
                new AuthoredWorker.Settings(stickyExecution, 4), db, JSON, new SimpleMeterRegistry(), TestKeys.keyring());
        factory.start();
        return new Worker(stubs, factory);
    }

    @Test
    void runsContinueOnANewWorkerWhetherTheSignalCameBeforeOrAfterItStarted() throws Exception {
        first = startWorker("first", false);
        WorkflowStub signalledWhileDown = startWaitingRun();
        WorkflowStub signalledAfterRestart = startWaitingRun();

        first.kill();
        signal(signalledWhileDown, "ann");
        second = startWorker("second", false);
        signal(signalledAfterRestart, "bob");

        assertThat(signalledWhileDown.getResult(30, TimeUnit.SECONDS, RunResult.class).output().path("by").asText())
                .isEqualTo("ann");
        assertThat(signalledAfterRestart.getResult(30, TimeUnit.SECONDS, RunResult.class).output().path("by").asText())
                .isEqualTo("bob");
    }

    /** The control: what ./run.sh users saw before, and what a real Temporal server would fix in 5 s. */
    @Test
    void withStickyExecutionTheEmbeddedServerLeavesTheRunOnTheDeadWorker() throws Exception {
        first = startWorker("first", true);
        WorkflowStub run = startWaitingRun();
        // killed while it holds no workflow task: a task it held would time out and go back to
        // the normal queue, and the second worker would finish the run (a race under load)
        awaitNoWorkflowTaskInFlight(run.getExecution().getWorkflowId());

        first.kill();
        second = startWorker("second", true);
        signal(run, "ann");

        assertThatThrownBy(() -> run.getResult(15, TimeUnit.SECONDS, RunResult.class))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void anHttpRequestInFlightWhenItsWorkerDiesIsRetriedOnTheNextWorker() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.setExecutor(Executors.newCachedThreadPool());
        target.createContext("/hold", ex -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                // the dead worker's request: held until the test is over
                firstArrived.countDown();
                try {
                    releaseFirst.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("{\"call\": " + call + "}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        try {
            first = startWorker("first", false);
            String[] ids = storeRun("""
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: calls
                    steps:
                      - id: call
                        uses: http.request
                        with: { method: GET, url: "http://127.0.0.1:%d/hold" }
                    outputs:
                      call: ${{ steps.call.output.body.call }}
                    """.formatted(target.getAddress().getPort()));
            WorkflowStub run = start(ids);
            assertThat(firstArrived.await(30, TimeUnit.SECONDS)).as("the first worker sent the request").isTrue();

            first.kill();
            second = startWorker("second", false);

            // without heartbeats the request would be retried only after its 1-minute start-to-close timeout
            RunResult result = run.getResult(40, TimeUnit.SECONDS, RunResult.class);
            assertThat(result.output().path("call").asInt()).isEqualTo(2);
            assertThat(calls.get()).isEqualTo(2);
        } finally {
            releaseFirst.countDown();
            target.stop(0);
        }
    }

    private WorkflowStub startWaitingRun() throws Exception {
        String[] ids = storeRun(WAITING_RUN);
        WorkflowStub stub = start(ids);
        awaitStatus(ids[0], RunStatus.WAITING, Duration.ofSeconds(30));
        return stub;
    }

    private WorkflowStub start(String[] ids) {
        WorkflowStub stub = client.newUntypedWorkflowStub(RuntimeContract.WORKFLOW_TYPE, WorkflowOptions.newBuilder()
                .setTaskQueue(RuntimeContract.DEFAULT_TASK_QUEUE).setWorkflowId(RuntimeContract.workflowId(ids[0])).build());
        stub.start(new RunInput(ids[0], ids[2], ids[1], JSON.createObjectNode(), 1, Map.of()));
        return stub;
    }

    /**
     * Until the history's newest event, past the markers of local activities that task recorded
     * (projection writes), is a completed workflow task: the worker holds nothing.
     */
    private void awaitNoWorkflowTaskInFlight(String workflowId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var newest = client.fetchHistory(workflowId).getHistory().getEventsList().stream()
                    .map(HistoryEvent::getEventType).filter(t -> t != EventType.EVENT_TYPE_MARKER_RECORDED)
                    .reduce((a, b) -> b);
            if (newest.isPresent() && newest.get() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + workflowId + " still has a workflow task in flight after 30 s");
    }

    private static void signal(WorkflowStub run, String user) {
        run.signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", null, JSON.createObjectNode().put("user", user)));
    }

    private static void awaitStatus(String runId, RunStatus status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = db.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT status FROM runs WHERE id = ?")) {
                s.setObject(1, UUID.fromString(runId));
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && status.name().equals(r.getString(1))) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " never showed " + status);
    }

    /** Stores a definition, its version and a PENDING run the way the api-server does; answers run, version, ref. */
    private static String[] storeRun(String yaml) throws SQLException {
        LoadResult loaded = new WorkflowParser().parse(yaml);
        UUID definition = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        String ref = "test." + loaded.definition().name() + "-" + definition.toString().substring(0, 8);
        try (Connection c = db.getConnection()) {
            execute(c, "INSERT INTO definitions (id, ref, pack, name, source, status) VALUES (?, ?, 'test', ?, 'API', 'ACTIVE')",
                    definition, ref, loaded.definition().name());
            execute(c, "INSERT INTO definition_versions (id, definition_id, seq, content_hash, definition, yaml_source) "
                    + "VALUES (?, ?, 1, ?, ?::jsonb, ?)", version, definition, loaded.contentHash(), loaded.canonicalJson(), yaml);
            execute(c, "INSERT INTO runs (id, definition_id, version_id, workflow_ref, status, inputs, inputs_redacted) "
                    + "VALUES (?, ?, ?, ?, 'PENDING', '{}', '{}')", run, definition, version, ref);
        }
        return new String[]{run.toString(), version.toString(), ref};
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
