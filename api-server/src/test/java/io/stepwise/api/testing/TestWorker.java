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

/**
 * Stands in for the workflow-worker process in api-server tests: the same interpreter, activities
 * and Postgres projection, polling the test server. Test code only: the api-server itself never
 * creates a worker (ApiServerIsAClientOnlyTest).
 */
public final class TestWorker {
    private static WorkerFactory factory;
    private static String target;
    private static RunLimits limits;

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
    }

    /** Stops the worker, if one runs; the next {@link #ensureStarted} starts a new one. */
    public static synchronized void stop() {
        if (factory != null) {
            factory.shutdownNow();
            factory.getWorkflowClient().getWorkflowServiceStubs().shutdownNow();
            factory = null;
        }
    }
}
