package io.stepwise.api.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepwise.bootstrap.config.AuthoredWorker;
import io.stepwise.bootstrap.projection.DbWorkflowTaskFailures;
import io.stepwise.bootstrap.testing.TestKeys;
import io.stepwise.core.runtime.RunLimits;
import io.stepwise.core.runtime.RuntimeContract;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the workflow-worker process in api-server tests: the same interpreter, activities
 * and Postgres projection, polling the test server. Like the real worker it holds a queue lease and
 * renews it while it runs, so the api-server sees a live worker; {@link #stop()} releases it. Test
 * code only: the api-server itself never creates a worker (ApiServerIsAClientOnlyTest).
 */
public final class TestWorker {
    /** The lease's instance, shaped as the real worker's {@code <owner>@<host>:<pid>}. */
    public static final String INSTANCE = "workflow-worker@api-server-test:" + ProcessHandle.current().pid();

    private static final String RENEW = """
            INSERT INTO queue_leases (queue, instance, owner, build, started_at, heartbeat_at)
            VALUES (?, ?, 'workflow-worker', 'test', now(), now())
            ON CONFLICT (queue, instance) DO UPDATE SET heartbeat_at = now()""";
    private static final String RELEASE = "DELETE FROM queue_leases WHERE queue = ? AND instance = ?";

    private static WorkerFactory factory;
    private static String target;
    private static RunLimits limits;
    private static DataSource leaseDb;
    private static ScheduledExecutorService heartbeat;

    private TestWorker() {
    }

    /** Starts the worker, or starts it again when the test resource now runs Temporal elsewhere. */
    public static synchronized void ensureStarted(DataSource db) {
        ensureStarted(db, RunLimits.DEFAULTS);
    }

    /** As {@link #ensureStarted(DataSource)}, with these caps: a worker with other caps is started again. */
    public static synchronized void ensureStarted(DataSource db, RunLimits caps) {
        String now = System.getProperty(StepwiseTestResource.TEMPORAL_PROPERTY);
        if (factory != null && now.equals(target) && caps.equals(limits)) {
            return;
        }
        stop();
        target = now;
        limits = caps;
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target).build());
        // the same setup as the workflow-worker's WorkerService, sticky execution off as ./run.sh
        // runs it against the embedded server
        factory = AuthoredWorker.newFactory(WorkflowClient.newInstance(stubs, TestKeys.clientOptions().build()),
                new DbWorkflowTaskFailures(db));
        AuthoredWorker.register(factory, RuntimeContract.DEFAULT_TASK_QUEUE, new AuthoredWorker.Settings(false, 16, caps),
                db, new ObjectMapper(), new SimpleMeterRegistry(), TestKeys.keyring());
        factory.start();
        WorkerFactory started = factory;
        Runtime.getRuntime().addShutdownHook(new Thread(started::shutdownNow));
        leaseDb = db;
        lease(RENEW);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-worker-lease");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(TestWorker::renewQuietly, 5, 5, TimeUnit.SECONDS);
    }

    /** Stops the worker and releases its lease, if one runs; the next {@link #ensureStarted} starts a new one. */
    public static synchronized void stop() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            heartbeat = null;
            try {
                lease(RELEASE);
            } catch (IllegalStateException e) {
                // the database is down or this test's app stopped: the lease expires by its TTL, as a killed worker's would
            }
        }
        if (factory != null) {
            factory.shutdownNow();
            factory.getWorkflowClient().getWorkflowServiceStubs().shutdownNow();
            factory = null;
        }
    }

    /** A missed heartbeat (the database restarting under a fault test) is what it is for a real worker: retried next time. */
    private static void renewQuietly() {
        try {
            lease(RENEW);
        } catch (IllegalStateException e) {
            // next beat
        }
    }

    private static void lease(String sql) {
        try (Connection c = leaseDb.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, RuntimeContract.DEFAULT_TASK_QUEUE);
            ps.setString(2, INSTANCE);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("test worker lease: " + e.getMessage(), e);
        }
    }
}
