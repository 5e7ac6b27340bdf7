package io.stepwise.api.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.bootstrap.projection.DbDefinitionActivities;
import io.stepwise.bootstrap.projection.DbRunProjection;
import io.stepwise.core.runtime.ActionActivitiesImpl;
import io.stepwise.core.runtime.AuthoredWorkflowImpl;
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

    private TestWorker() {
    }

    /** Starts the worker, or starts it again when the test resource now runs Temporal elsewhere. */
    public static synchronized void ensureStarted(DataSource db) {
        String now = System.getProperty(StepwiseTestResource.TEMPORAL_PROPERTY);
        if (factory != null && now.equals(target)) {
            return;
        }
        stop();
        target = now;
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target).build());
        factory = WorkerFactory.newInstance(WorkflowClient.newInstance(stubs));
        var worker = factory.newWorker(RuntimeContract.DEFAULT_TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(AuthoredWorkflowImpl.class);
        worker.registerActivitiesImplementations(new ActionActivitiesImpl(), new DbDefinitionActivities(db),
                new DbRunProjection(db, new ObjectMapper(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
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
