package io.stepwise.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.micrometer.core.instrument.Tags;
import io.stepwise.bootstrap.config.AuthoredWorker;
import io.stepwise.bootstrap.config.HttpRequestConfig;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.bootstrap.lease.QueueLease;
import io.stepwise.bootstrap.projection.DbWorkflowTaskFailures;
import io.stepwise.bootstrap.temporal.TaskQueuePollers;
import io.grpc.StatusRuntimeException;
import io.stepwise.core.crypto.Keyring;
import io.temporal.client.WorkflowClient;
import io.stepwise.bootstrap.temporal.TemporalClientProducer;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's life: check the schema, claim the task queue (ARCHITECTURE.md, "Queue ownership
 * guard"), then poll; heartbeat the claim while running; on shutdown stop polling, let running
 * activities finish within the grace period, and release the claim. A claim held by another
 * owner stops the process with exit code 10 before it ever polls (not 3: that is what the JVM
 * exits with on an OutOfMemoryError under -XX:+ExitOnOutOfMemoryError).
 */
@ApplicationScoped
public class WorkerService {
    private static final Logger LOG = Logger.getLogger(WorkerService.class);
    static final int EXIT_QUEUE_OWNED = 10;
    static final int EXIT_SCHEMA = 4;
    /** Like any other start-up failure of configuration (docs/operations.md, "Exit codes of the worker"). */
    static final int EXIT_CONFIG = 1;

    private final TemporalConfig temporal;
    private final WorkerConfig config;
    private final HttpRequestConfig http;
    private final QueueLease lease;
    private final SchemaCheck schema;
    private final WorkflowServiceStubs stubs;
    private final DataSource db;
    private final ObjectMapper json;
    private final String instance;
    private final MeterRegistry metrics;
    private final Keyring keyring;
    /** 1 while this process holds the queue lease, 0 otherwise: the gauge {@code stepwise.worker.lease}. */
    private final AtomicInteger leaseHeld = new AtomicInteger();
    private WorkerFactory factory;
    private DbWorkflowTaskFailures taskFailures;
    private WorkflowServiceStubs pollingStubs;
    private ScheduledExecutorService heartbeat;

    public WorkerService(TemporalConfig temporal, WorkerConfig config, HttpRequestConfig http, QueueLease lease,
                         SchemaCheck schema, WorkflowServiceStubs stubs, DataSource db, ObjectMapper json,
                         MeterRegistry metrics, Keyring keyring) {
        this.metrics = metrics;
        this.keyring = keyring;
        this.temporal = temporal;
        this.config = config;
        this.http = http;
        this.lease = lease;
        this.schema = schema;
        this.stubs = stubs;
        this.db = db;
        this.json = json;
        this.instance = config.owner() + "@" + hostName() + ":" + ProcessHandle.current().pid();
    }

    /** {@code <owner>@<host>:<pid>}: the Temporal identity and the lease's instance. */
    public String instance() {
        return instance;
    }

    void onStart(@Observes StartupEvent event) {
        AuthoredWorker.Settings settings;
        try {
            settings = AuthoredWorker.Settings.of(config, http);
        } catch (IllegalArgumentException e) {
            LOG.errorf("worker_refused reason=config detail=\"%s\"", e.getMessage());
            Quarkus.asyncExit(EXIT_CONFIG);
            return;
        }
        String problem = schema.problem();
        if (problem != null) {
            LOG.errorf("worker_refused reason=schema detail=\"%s\"", problem);
            Quarkus.asyncExit(EXIT_SCHEMA);
            return;
        }
        String queue = temporal.taskQueue();
        metrics.gauge("stepwise.worker.lease", Tags.of("queue", queue), leaseHeld);
        Optional<QueueLease.Holder> holder = lease.claim(queue, config.owner(), instance, build(), config.leaseTtl());
        if (holder.isPresent()) {
            QueueLease.Holder h = holder.get();
            LOG.errorf("worker_refused reason=queue_owned queue=%s holder_owner=%s holder_instance=%s "
                            + "holder_last_heartbeat=%s my_owner=%s: another owner's worker polls this queue; "
                            + "stop it, or give this worker the same STEPWISE_WORKER_OWNER to join it",
                    queue, h.owner(), h.instance(), h.heartbeatAt(), config.owner());
            Quarkus.asyncExit(EXIT_QUEUE_OWNED);
            return;
        }
        Optional<String> foreign = foreignPoller(queue);
        if (foreign.isPresent()) {
            LOG.errorf("worker_refused reason=foreign_poller queue=%s poller=%s my_owner=%s: Temporal reports a poller "
                    + "of another owner on this queue", queue, foreign.get(), config.owner());
            lease.release(queue, instance);
            Quarkus.asyncExit(EXIT_QUEUE_OWNED);
            return;
        }
        leaseHeld.set(1);
        taskFailures = new DbWorkflowTaskFailures(db);
        // the worker polls on a connection of its own, which reports non-determinism on the run
        pollingStubs = WorkflowServiceStubs.newServiceStubs(TemporalClientProducer.options(temporal)
                .setGrpcClientInterceptors(List.of(new NonDeterminismReporter(taskFailures))).build());
        WorkflowClient client = WorkflowClient.newInstance(pollingStubs,
                TemporalClientProducer.clientOptions(temporal, keyring).setIdentity(instance).build());
        factory = AuthoredWorker.newFactory(client, taskFailures);
        AuthoredWorker.register(factory, queue, settings, db, json, metrics, keyring);
        factory.start();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stepwise-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = config.heartbeat().toMillis();
        heartbeat.scheduleAtFixedRate(() -> beat(queue), every, every, TimeUnit.MILLISECONDS);
        LOG.infof("worker_started queue=%s owner=%s instance=%s namespace=%s sticky_execution=%s local_activity_slots=%d"
                        + " max_foreach_items=%d max_buffered_events=%d %s",
                queue, config.owner(), instance, temporal.namespace(), config.stickyExecution(),
                config.localActivitySlots(), config.maxForeachItems(), config.maxBufferedEvents(),
                settings.http().describe());
    }

    /**
     * Where the server implements DescribeTaskQueue, a poller whose identity names another owner
     * ({@code <owner>@host:pid}) holds the queue too. The embedded test server answers
     * UNIMPLEMENTED: then the lease alone decides, quietly.
     */
    private Optional<String> foreignPoller(String queue) {
        try {
            return TaskQueuePollers.of(stubs, temporal.namespace(), queue)
                    .orElse(List.of()).stream().map(TaskQueuePollers.Poller::identity)
                    .filter(identity -> identity.contains("@") && !identity.startsWith(config.owner() + "@"))
                    .findFirst();
        } catch (StatusRuntimeException e) {
            LOG.warnf("worker_describe_task_queue_failed queue=%s status=%s", queue, e.getStatus().getCode());
            return Optional.empty();
        }
    }

    private void beat(String queue) {
        try {
            if (!lease.heartbeat(queue, instance)) {
                // our row is gone (we were presumed dead and another owner took over): stop polling
                leaseHeld.set(0);
                LOG.errorf("worker_lease_lost queue=%s instance=%s", queue, instance);
                Quarkus.asyncExit(EXIT_QUEUE_OWNED);
            }
        } catch (RuntimeException e) {
            LOG.warnf("worker_heartbeat_failed queue=%s reason=%s", queue, e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (factory == null) {
            return;
        }
        heartbeat.shutdownNow();
        Duration grace = config.shutdownGrace();
        LOG.infof("worker_stopping instance=%s grace=%s", instance, grace);
        factory.shutdown();
        factory.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        pollingStubs.shutdown();
        taskFailures.close();
        try {
            lease.release(temporal.taskQueue(), instance);
            leaseHeld.set(0);
        } catch (RuntimeException e) {
            LOG.warnf("worker_release_failed reason=%s", e.getMessage());
        }
        LOG.infof("worker_stopped instance=%s", instance);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    private static String build() {
        String version = WorkerService.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
