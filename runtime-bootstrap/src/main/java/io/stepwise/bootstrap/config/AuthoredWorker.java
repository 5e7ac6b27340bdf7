package io.stepwise.bootstrap.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.stepwise.core.crypto.Keyring;
import io.stepwise.bootstrap.projection.DbDefinitionActivities;
import io.stepwise.bootstrap.projection.DbRunProjection;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.DestinationPolicy;
import io.stepwise.core.actions.HttpRequestAction;
import io.stepwise.core.actions.HttpRequestPolicy;
import io.stepwise.core.runtime.ActionActivitiesImpl;
import io.stepwise.core.runtime.AuthoredWorkflow;
import io.stepwise.core.runtime.AuthoredWorkflowImpl;
import io.stepwise.core.runtime.RunLimits;
import io.stepwise.core.runtime.WorkflowTaskFailureInterceptor;
import io.stepwise.core.runtime.WorkflowTaskFailures;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * The interpreter's worker as every process that polls the authored queue sets it up (the
 * workflow-worker, and the api-server tests' stand-in): options, interceptor, registrations.
 */
public final class AuthoredWorker {

    /**
     * How a worker polls (sticky execution on or off, how many local activities run at once) and
     * the caps its runs record when they start ({@link RunLimits}), and what its {@code http.request} may do.
     */
    public record Settings(boolean stickyExecution, int localActivitySlots, RunLimits limits, HttpRequestPolicy http) {
        /** The default caps and http.request policy: 1 MiB, cloud metadata and link-local denied. */
        public Settings(boolean stickyExecution, int localActivitySlots) {
            this(stickyExecution, localActivitySlots, RunLimits.DEFAULTS);
        }

        public Settings(boolean stickyExecution, int localActivitySlots, RunLimits limits) {
            this(stickyExecution, localActivitySlots, limits, HttpRequestPolicy.defaults());
        }

        /** An unreadable {@code stepwise.http.*} value is an {@link IllegalArgumentException} naming the setting. */
        public static Settings of(WorkerConfig config, HttpRequestConfig http) {
            return new Settings(config.stickyExecution(), config.localActivitySlots(),
                    new RunLimits(config.maxForeachItems(), config.maxBufferedEvents()), new HttpRequestPolicy(
                    http.maxResponseBytes(), DestinationPolicy.of(http.deny(), http.allow().orElse(List.of()))));
        }
    }

    private AuthoredWorker() {
    }

    /** A factory whose workflows report failing workflow tasks to {@code failures}; not started. */
    public static WorkerFactory newFactory(WorkflowClient client, WorkflowTaskFailures failures) {
        return WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new WorkflowTaskFailureInterceptor(failures)).build());
    }

    /** Adds the authored-queue worker to {@code factory} with the interpreter and its activities. */
    public static Worker register(WorkerFactory factory, String taskQueue, Settings settings, DataSource db,
                                  ObjectMapper json, MeterRegistry metrics, Keyring keyring) {
        WorkerOptions.Builder options = WorkerOptions.newBuilder()
                .setMaxConcurrentLocalActivityExecutionSize(settings.localActivitySlots());
        if (!settings.stickyExecution()) {
            // a zero sticky schedule-to-start makes the worker complete workflow tasks without
            // sticky attributes: the server puts every task on the normal queue, which any worker
            // polls, so a dead worker's sticky queue never holds a run
            options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        Worker worker = factory.newWorker(taskQueue, options.build());
        // a factory, so each run gets the worker's caps; a run records them in its history, so
        // a changed setting applies to runs started after it and never to a replay
        RunLimits limits = settings.limits();
        worker.registerWorkflowImplementationFactory(AuthoredWorkflow.class, () -> new AuthoredWorkflowImpl(limits));
        worker.registerActivitiesImplementations(
                new ActionActivitiesImpl(ActionCatalog.discover(), new HttpRequestAction(settings.http())),
                new DbDefinitionActivities(db),
                new DbRunProjection(db, json, metrics, keyring));
        return worker;
    }
}
