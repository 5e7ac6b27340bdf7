package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
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
    static final class PrintingProjection implements RunProjection {
        @Override
        public void runStarted(String runId, int attempt) {
            System.out.println("run-started " + runId);
        }

        @Override
        public void runFinished(String runId, int attempt, RunStatus status, JsonNode output, RunError error) {
            System.out.println("run-finished " + status);
        }

        @Override
        public void stepStarted(String runId, String stepPath, String uses, int attempt) {
            System.out.println("step-started " + stepPath);
        }

        @Override
        public void stepFinished(String runId, String stepPath, int attempt, StepStatus status, JsonNode output,
                                 RunError error, int attempts) {
            System.out.println("step-finished " + stepPath + " " + status);
        }

        @Override
        public void waitOpened(String runId, String stepPath, int attempt, String kind, String event,
                               String correlationKey, String dueAt) {
            System.out.println("wait-opened " + stepPath);
        }

        @Override
        public void waitClosed(String runId, String stepPath, int attempt, String outcome) {
            System.out.println("wait-closed " + stepPath + " " + outcome);
        }
    }
}
