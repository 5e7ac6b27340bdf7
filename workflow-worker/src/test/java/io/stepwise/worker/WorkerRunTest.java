package io.stepwise.worker;

import io.stepwise.bootstrap.testing.TestKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.stepwise.bootstrap.config.AuthoredWorker;
import io.stepwise.bootstrap.lease.QueueLease;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.bootstrap.projection.DbDefinitionActivities;
import io.stepwise.bootstrap.projection.DbRunProjection;
import io.stepwise.bootstrap.projection.DbWorkflowTaskFailures;
import io.stepwise.core.runtime.AuthoredWorkflowImpl;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.ProjectionChange;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RunResult;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.RuntimeContract;
import io.stepwise.core.runtime.StepStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.failure.ApplicationFailure;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workflow-worker against a real Postgres and Temporal's test server: it claims the queue,
 * runs authored workflows, and its projection shows the run, steps and waits in the database.
 */
@QuarkusTest
@QuarkusTestResource(value = WorkerTestResource.class, restrictToAnnotatedClass = false)
class WorkerRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WorkflowServiceStubs stubs;

    @Inject
    DataSource db;
    @Inject
    QueueLease lease;
    @Inject
    WorkerService worker;

    private static WorkflowClient client() {
        if (stubs == null) {
            stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                    .setTarget(System.getProperty(WorkerTestResource.TARGET_PROPERTY)).build());
        }
        return WorkflowClient.newInstance(stubs, TestKeys.clientOptions().build());
    }

    @AfterAll
    static void closeClient() {
        if (stubs != null) {
            stubs.shutdown();
        }
    }

    /** Stores a definition, its version and a PENDING run the way the api-server does; answers run and version ids. */
    private String[] storeRun(String yaml) throws SQLException {
        LoadResult loaded = new WorkflowParser().parse(yaml);
        assertThat(loaded.violations()).isEmpty();
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

    private static WorkflowStub start(String[] ids) {
        return start(ids, RuntimeContract.DEFAULT_TASK_QUEUE);
    }

    private static WorkflowStub start(String[] ids, String queue) {
        WorkflowStub stub = client().newUntypedWorkflowStub(RuntimeContract.WORKFLOW_TYPE, WorkflowOptions.newBuilder()
                .setTaskQueue(queue).setWorkflowId(RuntimeContract.workflowId(ids[0])).build());
        stub.start(new RunInput(ids[0], ids[2], ids[1], JSON.createObjectNode(), 1, Map.of()));
        return stub;
    }

    @Test
    void runExecutesOnTheWorkerAndItsProjectionIsInPostgres() throws Exception {
        String[] ids = storeRun("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: hello
                steps:
                  - id: greet
                    uses: log
                    with: { message: "hello" }
                  - id: shape
                    uses: transform
                    with: { value: { answer: 42 } }
                outputs:
                  answer: ${{ steps.shape.output.answer }}
                """);

        RunResult result = start(ids).getResult(60, TimeUnit.SECONDS, RunResult.class);

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(query("SELECT status, output->>'answer', started_at IS NOT NULL, finished_at IS NOT NULL FROM runs WHERE id = ?",
                UUID.fromString(ids[0]))).containsExactly(List.of("SUCCEEDED", "42", true, true));
        assertThat(query("SELECT path, step_id, uses, status, attempts FROM steps WHERE run_id = ? ORDER BY started_at, path",
                UUID.fromString(ids[0]))).containsExactly(
                List.of("greet", "greet", "log", "SUCCEEDED", 1),
                List.of("shape", "shape", "transform", "SUCCEEDED", 1));
    }

    @Test
    void waitingRunShowsItsWaitAndASignalCompletesIt() throws Exception {
        String[] ids = storeRun("""
                apiVersion: stepwise/v1
                kind: Workflow
                name: approval
                steps:
                  - id: approve
                    uses: event.wait
                    with: { event: approval, correlationKey: "t-1" }
                outputs:
                  by: ${{ steps.approve.output.user }}
                """);
        UUID run = UUID.fromString(ids[0]);
        WorkflowStub stub = start(ids);

        assertThat(poll(() -> query("SELECT status FROM runs WHERE id = ?", run), List.of(List.of("WAITING"))))
                .as("the run shows WAITING").isTrue();
        assertThat(query("SELECT kind, event, correlation_key, status FROM waits WHERE run_id = ?", run))
                .containsExactly(List.of("EVENT", "approval", "t-1", "WAITING"));
        assertThat(query("SELECT status FROM steps WHERE run_id = ? AND path = 'approve'", run))
                .containsExactly(List.of("WAITING"));

        stub.signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", "t-1", JSON.createObjectNode().put("user", "ann")));
        RunResult result = stub.getResult(60, TimeUnit.SECONDS, RunResult.class);

        assertThat(result.output().path("by").asText()).isEqualTo("ann");
        assertThat(query("SELECT status FROM waits WHERE run_id = ?", run)).containsExactly(List.of("SIGNALED"));
        assertThat(query("SELECT status FROM runs WHERE id = ?", run)).containsExactly(List.of("SUCCEEDED"));
    }

    @Test
    void applyingTheSameChangesTwiceLeavesTheSameRows() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: twice\nsteps:\n  - id: a\n    uses: noop\n");
        UUID run = UUID.fromString(ids[0]);
        String at = "2026-11-22T10:00:00Z";
        ProjectionChange[] batch = {
                new ProjectionChange.RunStarted(ids[0], 1, at),
                new ProjectionChange.StepStarted(ids[0], 1, at, "loop[0].a", "noop"),
                new ProjectionChange.StepFinished(ids[0], 1, at, "loop[0].a", StepStatus.SUCCEEDED,
                        JSON.createObjectNode().put("v", 1), null, 2)};
        DbRunProjection projection = new DbRunProjection(db, JSON, new SimpleMeterRegistry(), TestKeys.keyring());

        projection.apply(batch);
        List<List<Object>> once = query("SELECT path, step_id, status, attempts, output->>'v' FROM steps WHERE run_id = ?", run);
        projection.apply(batch);

        assertThat(query("SELECT path, step_id, status, attempts, output->>'v' FROM steps WHERE run_id = ?", run))
                .isEqualTo(once).containsExactly(List.of("loop[0].a", "a", "SUCCEEDED", 2, "1"));
        assertThat(query("SELECT status FROM runs WHERE id = ?", run)).containsExactly(List.of("RUNNING"));
    }

    @Test
    void metricsCountEachRunAndStepOnceEvenWhenABatchIsAppliedTwice() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: counted\nsteps:\n  - id: a\n    uses: noop\n");
        ProjectionChange[] batch = {
                new ProjectionChange.RunStarted(ids[0], 1, "2026-11-22T10:00:00Z"),
                new ProjectionChange.StepStarted(ids[0], 1, "2026-11-22T10:00:00Z", "a", "noop"),
                new ProjectionChange.StepFinished(ids[0], 1, "2026-11-22T10:00:00.250Z", "a", StepStatus.SUCCEEDED,
                        null, null, 1),
                new ProjectionChange.RunFinished(ids[0], 1, "2026-11-22T10:00:00.300Z", RunStatus.SUCCEEDED, null, null)};
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DbRunProjection projection = new DbRunProjection(db, JSON, metrics, TestKeys.keyring());

        projection.apply(batch);
        projection.apply(batch);

        assertThat(metrics.get("stepwise.runs.finished").tag("workflow", ids[2]).tag("status", "SUCCEEDED").counter()
                .count()).isEqualTo(1.0);
        var steps = metrics.get("stepwise.step.duration").tag("uses", "noop").tag("status", "SUCCEEDED").timer();
        assertThat(steps.count()).isEqualTo(1);
        assertThat(steps.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    }

    /**
     * A forEach of 100 items makes a batch of 202 changes: more statements than go in one round trip.
     * Every step lands with its own output and duration, and a wait opened after them still moves
     * the run; applied again, nothing is counted twice.
     */
    @Test
    void aBatchLargerThanOneRoundTripLandsWholeWithEachStepsOwnResult() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: wide\nsteps:\n  - id: a\n    uses: noop\n");
        UUID run = UUID.fromString(ids[0]);
        List<ProjectionChange> changes = new ArrayList<>();
        changes.add(new ProjectionChange.RunStarted(ids[0], 1, "2026-11-22T10:00:00Z"));
        for (int i = 0; i < 100; i++) {
            String path = "each[" + i + "].a";
            changes.add(new ProjectionChange.StepStarted(ids[0], 1, "2026-11-22T10:00:00Z", path, "noop"));
            changes.add(new ProjectionChange.StepFinished(ids[0], 1, String.format("2026-11-22T10:00:00.%03dZ", i + 1),
                    path, StepStatus.SUCCEEDED, JSON.createObjectNode().put("i", i), null, 1));
        }
        changes.add(new ProjectionChange.WaitOpened(ids[0], 1, "2026-11-22T10:00:01Z", "gate", "EVENT", "go", null, null,
                null));
        ProjectionChange[] batch = changes.toArray(ProjectionChange[]::new);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DbRunProjection projection = new DbRunProjection(db, JSON, metrics, TestKeys.keyring());

        projection.apply(batch);
        projection.apply(batch);

        List<List<Object>> steps = query("SELECT path, output->>'i' FROM steps WHERE run_id = ? AND path LIKE 'each%' "
                + "ORDER BY (output->>'i')::int", run);
        assertThat(steps).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(steps.get(i)).containsExactly("each[" + i + "].a", String.valueOf(i));
        }
        var durations = metrics.get("stepwise.step.duration").tag("uses", "noop").tag("status", "SUCCEEDED").timer();
        assertThat(durations.count()).isEqualTo(100);
        assertThat(durations.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5050.0); // 1 + 2 + ... + 100 ms
        assertThat(query("SELECT status FROM runs WHERE id = ?", run)).containsExactly(List.of("WAITING"));
        assertThat(query("SELECT status, event FROM waits WHERE run_id = ?", run)).containsExactly(List.of("WAITING", "go"));
    }

    @Test
    void nulCharactersFromAnHttpResponseAndASignalAreStoredAndReadBackAsTheyWere() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/nul", ex -> {
            byte[] body = "{\"v\": \"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            String[] ids = storeRun("""
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: nul
                    steps:
                      - id: fetch
                        uses: http.request
                        with: { method: GET, url: "http://127.0.0.1:%d/nul" }
                      - id: approve
                        uses: event.wait
                        with: { event: approval, correlationKey: "t-9" }
                    outputs:
                      fetched: ${{ steps.fetch.output.body.v }}
                      note: ${{ steps.approve.output.note }}
                    """.formatted(http.getAddress().getPort()));
            UUID run = UUID.fromString(ids[0]);
            WorkflowStub stub = start(ids);
            assertThat(poll(() -> query("SELECT status FROM runs WHERE id = ?", run), List.of(List.of("WAITING"))))
                    .as("the run shows WAITING").isTrue();

            stub.signal(RuntimeContract.EVENT_SIGNAL, new EventSignal("approval", "t-9",
                    JSON.createObjectNode().put("note", "x\u0000y")));
            RunResult result = stub.getResult(60, TimeUnit.SECONDS, RunResult.class);

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(poll(() -> query("SELECT status FROM runs WHERE id = ?", run), List.of(List.of("SUCCEEDED"))))
                    .as("the final status lands").isTrue();
            JsonNode output = JSON.readTree((String) query("SELECT output::text FROM runs WHERE id = ?", run).get(0).get(0));
            assertThat(StoredJson.decode(output)).isEqualTo(JSON.createObjectNode().put("fetched", "a\u0000b")
                    .put("note", "x\u0000y"));
        } finally {
            http.stop(0);
        }
    }

    @Test
    void theWorkersResponseLimitFromItsConfigurationFailsALargerResponseForGood() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        http.createContext("/large", ex -> {
            calls.incrementAndGet();
            byte[] body = new byte[100_000];
            Arrays.fill(body, (byte) 'x');
            ex.sendResponseHeaders(200, body.length);
            try (ex) {
                ex.getResponseBody().write(body);
            } catch (IOException clientStoppedReading) {
                // the worker drops the connection at its limit
            }
        });
        http.start();
        try {
            String[] ids = storeRun("""
                    apiVersion: stepwise/v1
                    kind: Workflow
                    name: large
                    steps:
                      - id: fetch
                        uses: http.request
                        with: { method: GET, url: "http://127.0.0.1:%d/large" }
                        retry: { maxAttempts: 3, initialInterval: 1s }
                    """.formatted(http.getAddress().getPort()));
            UUID run = UUID.fromString(ids[0]);

            WorkflowStub stub = start(ids);

            assertThatThrownBy(() -> stub.getResult(60, TimeUnit.SECONDS, RunResult.class))
                    .isInstanceOf(WorkflowFailedException.class);
            String message = "GET 127.0.0.1/large: the response is larger than the limit of 65536 bytes"
                    + " (with.maxResponseBytes, at most stepwise.http.max-response-bytes = 65536)";
            assertThat(poll(() -> query("SELECT status, error->>'type', error->>'message', attempts FROM steps WHERE run_id = ?", run),
                    List.of(List.of("FAILED", "HttpResponseTooLarge", message, 1)))).as("the step's error").isTrue();
            assertThat(poll(() -> query("SELECT status, error->>'message' FROM runs WHERE id = ?", run),
                    List.of(List.of("FAILED", message)))).as("the run's error").isTrue();
            assertThat(calls.get()).as("not retried").isEqualTo(1);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aFailedBatchMarksTheRunAsLaggingAndTheNextBatchThatLandsClearsIt() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: lagging\nsteps:\n  - id: a\n    uses: noop\n");
        UUID run = UUID.fromString(ids[0]);
        ProjectionChange[] batch = {new ProjectionChange.RunStarted(ids[0], 1, "2026-11-22T10:00:00Z")};
        FailingFirst away = new FailingFirst(db);
        DbRunProjection projection = new DbRunProjection(away, JSON, new SimpleMeterRegistry(), TestKeys.keyring());

        away.failures.set(1);
        try {
            projection.apply(batch);
            throw new AssertionError("the write should have failed");
        } catch (ApplicationFailure expected) {
            assertThat(expected.getType()).isEqualTo("ProjectionWriteFailed");
        }
        List<Object> lag = query("SELECT projection_error, projection_failing_since IS NOT NULL, status FROM runs "
                + "WHERE id = ?", run).get(0);
        assertThat((String) lag.get(0)).contains("the database is away");
        assertThat(lag.subList(1, 3)).containsExactly(true, "PENDING");

        projection.apply(batch);

        assertThat(query("SELECT projection_error, projection_failing_since, status FROM runs WHERE id = ?", run))
                .containsExactly(Arrays.asList(null, null, "RUNNING"));
    }

    @Test
    void aBatchWithALaterChangeClearsAWorkflowTaskFailureAndAnEarlierOneDoesNot() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: recovers\nsteps:\n  - id: a\n    uses: noop\n");
        UUID run = UUID.fromString(ids[0]);
        try (Connection c = db.getConnection()) {
            execute(c, "UPDATE runs SET workflow_task_failure = 'workflow task failing: IllegalStateException: x', "
                    + "workflow_task_failed_at = '2026-11-22T10:00:00Z' WHERE id = ?", run);
        }
        DbRunProjection projection = new DbRunProjection(db, JSON, new SimpleMeterRegistry(), TestKeys.keyring());

        projection.apply(new ProjectionChange[]{new ProjectionChange.RunStarted(ids[0], 1, "2026-11-22T09:59:59Z")});
        assertThat(query("SELECT workflow_task_failure IS NOT NULL FROM runs WHERE id = ?", run))
                .as("a change from before the failure says nothing about it").containsExactly(List.of(true));

        projection.apply(new ProjectionChange[]{new ProjectionChange.StepStarted(ids[0], 1, "2026-11-22T10:00:05Z", "a", "noop")});
        assertThat(query("SELECT workflow_task_failure, workflow_task_failed_at FROM runs WHERE id = ?", run))
                .containsExactly(Arrays.asList(null, null));
    }

    /** The interpreter with a defect: its workflow code throws for every run. */
    public static class DefectiveWorkflowImpl extends AuthoredWorkflowImpl {
        @Override
        public RunResult run(RunInput input) {
            throw new IllegalStateException("a defect in workflow code");
        }
    }

    @Test
    void anExceptionInWorkflowCodeShowsOnTheRunWithinSeconds() throws Exception {
        String[] ids = storeRun("apiVersion: stepwise/v1\nkind: Workflow\nname: defect\nsteps:\n  - id: a\n    uses: noop\n");
        UUID run = UUID.fromString(ids[0]);
        String queue = "defective-" + UUID.randomUUID();
        WorkerFactory factory = AuthoredWorker.newFactory(client(), new DbWorkflowTaskFailures(db));
        var worker = factory.newWorker(queue);
        worker.registerWorkflowImplementationTypes(DefectiveWorkflowImpl.class);
        worker.registerActivitiesImplementations(new DbDefinitionActivities(db),
                new DbRunProjection(db, JSON, new SimpleMeterRegistry(), TestKeys.keyring()));
        factory.start();
        WorkflowStub stub = start(ids, queue);
        try {
            assertThat(poll(() -> query("SELECT workflow_task_failure, workflow_task_failed_at IS NOT NULL FROM runs "
                            + "WHERE id = ?", run),
                    List.of(List.of("workflow task failing: IllegalStateException: a defect in workflow code", true)),
                    Duration.ofSeconds(10)))
                    .as("the stuck reason is on the run within 10 s").isTrue();
        } finally {
            stub.terminate("test over");
            factory.shutdownNow();
        }
    }

    /** A data source whose next {@code failures} connections can't be had, as when the database is away. */
    private static final class FailingFirst implements DataSource {
        final AtomicInteger failures = new AtomicInteger();
        private final DataSource db;

        FailingFirst(DataSource db) {
            this.db = db;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (failures.getAndDecrement() > 0) {
                throw new SQLException("the database is away (test)");
            }
            return db.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    @Test
    void thePrometheusEndpointShowsTheLeaseThisWorkerHoldsOnTheManagementPortOnly() {
        URI management = URI.create(TestHTTPResourceManager.getManagementUri());
        assertThat(management.getPort()).isNotEqualTo(RestAssured.port);
        RestAssured.given().get("/q/metrics").then().statusCode(404);
        RestAssured.given().get("/q/health/ready").then().statusCode(404);
        RestAssured.given().baseUri("http://" + management.getHost()).port(management.getPort())
                .get("/q/health/ready").then().statusCode(200);
        RestAssured.given().baseUri("http://" + management.getHost()).port(management.getPort())
                .get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "stepwise_worker_lease{queue=\"" + RuntimeContract.DEFAULT_TASK_QUEUE + "\"} 1.0"));
    }

    @Test
    void anotherOwnerIsRefusedWhileThisWorkerHoldsTheQueue() {
        var refused = lease.claim(RuntimeContract.DEFAULT_TASK_QUEUE, "someone-else", "someone-else@host:1", "dev",
                Duration.ofSeconds(30));

        assertThat(refused).hasValueSatisfying(holder -> {
            assertThat(holder.owner()).isEqualTo("workflow-worker");
            assertThat(holder.instance()).isEqualTo(worker.instance());
            assertThat(holder.heartbeatAt()).isNotNull();
        });
    }

    @Test
    void aReplicaOfTheSameOwnerJoins() {
        String replica = "workflow-worker@other-host:7";

        assertThat(lease.claim(RuntimeContract.DEFAULT_TASK_QUEUE, "workflow-worker", replica, "dev", Duration.ofSeconds(30)))
                .isEmpty();
        assertThat(lease.all()).extracting(QueueLease.Lease::instance).contains(worker.instance(), replica);
        lease.release(RuntimeContract.DEFAULT_TASK_QUEUE, replica);
    }

    @Test
    void aLeaseWhoseHeartbeatExpiredIsTakenOver() throws SQLException {
        String queue = "expired-" + UUID.randomUUID();
        assertThat(lease.claim(queue, "old-owner", "old@host:1", "dev", Duration.ofSeconds(30))).isEmpty();
        try (Connection c = db.getConnection()) {
            execute(c, "UPDATE queue_leases SET heartbeat_at = now() - interval '5 minutes' WHERE queue = ?", queue);
        }

        assertThat(lease.claim(queue, "new-owner", "new@host:2", "dev", Duration.ofSeconds(30))).isEmpty();
        assertThat(lease.all()).filteredOn(l -> l.queue().equals(queue)).extracting(QueueLease.Lease::owner)
                .containsExactly("new-owner");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private interface Query {
        List<List<Object>> run() throws SQLException;
    }

    /** Polls until the query answers {@code expected}; the bound only guards against a hang. */
    private static boolean poll(Query query, List<List<Object>> expected) throws Exception {
        return poll(query, expected, Duration.ofSeconds(30));
    }

    private static boolean poll(Query query, List<List<Object>> expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (query.run().equals(expected)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private List<List<Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
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
