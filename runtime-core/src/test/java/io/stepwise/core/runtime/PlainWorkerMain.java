package io.stepwise.core.runtime;

import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker in a bare JVM: runtime-core and its runtime dependencies only, no test library, no
 * framework. Started by {@link PlainWorkerTest} as {@code PlainWorkerMain <target> <definition.yaml>}.
 */
public final class PlainWorkerMain {
    private PlainWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        LoadResult loaded = new WorkflowParser().parse(Files.readAllBytes(Path.of(args[1])), null);
        if (!loaded.valid()) {
            throw new IllegalArgumentException("definition is invalid: " + loaded.violations());
        }
        String canonical = loaded.canonicalJson();
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
        WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
        Worker worker = factory.newWorker(RuntimeContract.DEFAULT_TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(AuthoredWorkflowImpl.class);
        worker.registerActivitiesImplementations(new ActionActivitiesImpl(), (DefinitionActivities) versionId -> canonical,
                new PrintingProjection());
        factory.start();
        System.out.println("worker-started");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Prints transitions; enough to see the worker run every kind of step. */
    static final class PrintingProjection extends RunProjectionHandler {
        @Override
        protected void runStarted(ProjectionChange.RunStarted c) {
            System.out.println("run-started " + c.runId());
        }

        @Override
        protected void runFinished(ProjectionChange.RunFinished c) {
            System.out.println("run-finished " + c.status());
        }

        @Override
        protected void stepStarted(ProjectionChange.StepStarted c) {
            System.out.println("step-started " + c.stepPath());
        }

        @Override
        protected void stepFinished(ProjectionChange.StepFinished c) {
            System.out.println("step-finished " + c.stepPath() + " " + c.status());
        }

        @Override
        protected void waitOpened(ProjectionChange.WaitOpened c) {
            System.out.println("wait-opened " + c.stepPath());
        }

        @Override
        protected void waitClosed(ProjectionChange.WaitClosed c) {
            System.out.println("wait-closed " + c.stepPath() + " " + c.outcome());
        }
    }
}
