package io.stepwise.core.runtime;

import io.stepwise.core.redact.Redactor;
import io.stepwise.core.runtime.AuthoredWorkflowImpl.ProjectionPath;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowQueue;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's projection writes, from inside its workflow (docs/projection.md): changes are queued in
 * order and sent by one detached workflow thread, so the steps never wait for them and a cancel
 * never drops one; the run waits for the last write before it ends. Stepwise's bookkeeping never
 * decides a run's fate: a batch that fails is sent again, forever, behind a capped backoff.
 */
final class ProjectionWriter {
    /**
     * The version marker of the projection path: local (DEFAULT), ordinary activities (1), fast then
     * ordinary (2), and fast then ordinary with the run's start held back until its definition is
     * loaded ({@value #START_WITH_FIRST_STEPS}), so that the start goes in one write with the first
     * steps' changes instead of a write of its own (one local activity and one transaction fewer a run).
     */
    static final String PROJECTION_AS_ACTIVITY = "projection-as-activity";
    static final int START_WITH_FIRST_STEPS = 3;

    /**
     * One projection call. Without a maximum of attempts or a schedule-to-close timeout Temporal
     * does not retry an activity at all, so one slow write (10 s waiting for the old single
     * connection under load) failed the call and with it the run: "Local Activity task timed
     * out". Now a call retries briefly on its own and the writer retries the batch after that,
     * for as long as the run lives ({@link #sendUntilItLands}).
     */
    private static final RetryOptions PROJECTION_RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofMillis(200)).setBackoffCoefficient(2).setMaximumAttempts(3).build();
    /**
     * Start-to-close covers waiting for a pooled connection (5 s at most) and the transaction. The
     * batch is not copied into the marker that records the call: the SDK never reads a local
     * activity's arguments back (they are there for troubleshooting only), and a batch carries the
     * steps' outputs, which the run's history already holds; without them every marker is a few
     * bytes, and a workflow task that replays the run fetches and decrypts that much less.
     */
    private static final LocalActivityOptions PROJECTION_LOCAL = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10)).setScheduleToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(PROJECTION_RETRY).setDoNotIncludeArgumentsIntoMarker(true).build();
    /**
     * The fast path: a local activity holds the workflow task, and with it the commands of the
     * steps, until it completes, so it gets one attempt and a short budget (slot wait included).
     * A write that fails, times out or takes longer than {@link #SLOW_WRITE} moves the run to
     * ordinary activities for the rest of its life; the batch is sent again there (writes are
     * idempotent).
     */
    private static final LocalActivityOptions PROJECTION_FAST = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(2)).setScheduleToCloseTimeout(Duration.ofSeconds(3))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .setDoNotIncludeArgumentsIntoMarker(true).build();
    static final Duration SLOW_WRITE = Duration.ofMillis(500);
    /**
     * A slow database (seconds per transaction) must still let a write land: start-to-close
     * leaves a write 20 s, and schedule-to-close also covers the wait for an activity slot on a
     * busy worker. Not longer: a write in flight on a worker that died is retried after it.
     */
    private static final ActivityOptions PROJECTION_REMOTE = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(20)).setScheduleToCloseTimeout(Duration.ofSeconds(90))
            .setRetryOptions(PROJECTION_RETRY).build();
    /** The writer's own backoff between failed calls: durable timers, so a worker restart keeps it. */
    static final Duration WRITE_RETRY_FIRST = Duration.ofSeconds(1);
    static final Duration WRITE_RETRY_MAX = Duration.ofMinutes(1);

    private static final Logger LOG = Workflow.getLogger(ProjectionWriter.class);
    private static final ProjectionChange STOP = new ProjectionChange.RunStarted("", 0, "stop");

    private final RunProjection localProjection;
    private final RunProjection fastProjection;
    private final RunProjection remoteProjection;
    private final ProjectionPath preferredPath;
    private final WorkflowQueue<ProjectionChange> queued = Workflow.newWorkflowQueue(Integer.MAX_VALUE);
    /** The stub this run writes through: chosen once per run, see {@link #choosePath}. */
    private RunProjection projection;
    /** This run still writes through {@link #fastProjection}: no write was slow or failed yet. */
    private boolean fastPath;
    private Promise<Void> sender;
    /** False while the run's start is held back ({@link #release}); always true on the paths before version 3. */
    private boolean released = true;
    private String runId;
    /** Secret values are cut out of every change before it is queued, and out of the writer's log lines. */
    private Redactor redactor = Redactor.none();

    /** Made in the workflow's constructor: the stubs belong to the workflow's context. */
    ProjectionWriter(ProjectionPath preferredPath) {
        this.preferredPath = preferredPath;
        this.localProjection = Workflow.newLocalActivityStub(RunProjection.class, PROJECTION_LOCAL);
        this.fastProjection = Workflow.newLocalActivityStub(RunProjection.class, PROJECTION_FAST);
        this.remoteProjection = Workflow.newActivityStub(RunProjection.class, PROJECTION_REMOTE);
    }

    /**
     * Runs keep the path they started with: their history holds its markers or activity events.
     * The first thing a run does (its version marker comes first in its history).
     */
    void choosePath(String runId) {
        this.runId = runId;
        int version = Workflow.getVersion(PROJECTION_AS_ACTIVITY, Workflow.DEFAULT_VERSION, START_WITH_FIRST_STEPS);
        ProjectionPath path = version == Workflow.DEFAULT_VERSION ? ProjectionPath.LOCAL
                : version == 1 ? ProjectionPath.ACTIVITY : preferredPath;
        released = version < START_WITH_FIRST_STEPS;
        fastPath = path == ProjectionPath.FAST_THEN_ACTIVITY;
        projection = path == ProjectionPath.LOCAL ? localProjection : remoteProjection;
    }

    /** Starts the sending thread, detached: a cancel of the run does not cancel a write. */
    void start() {
        Workflow.newDetachedCancellationScope(() -> sender = Async.procedure(this::sendQueued)).run();
    }

    void redactWith(Redactor redactor) {
        this.redactor = redactor;
    }

    /** Queues a change, with secret values already cut out (docs/security.md). */
    void put(ProjectionChange change) {
        queued.put(change.redactedBy(redactor));
    }

    /**
     * The run has its definition: what is queued goes out once the steps block. Until then the
     * sender waits, so the run's start is not written alone while the definition loads.
     */
    void release() {
        released = true;
    }

    /** Waits until every change queued so far is written; the writer stops. */
    void flush() {
        released = true;
        queued.put(STOP);
        sender.get();
    }

    /** Sends queued changes in order; whatever piled up while the last call ran goes in one call. */
    private void sendQueued() {
        if (!released) {
            Workflow.await(() -> released);
        }
        while (true) {
            List<ProjectionChange> batch = new ArrayList<>();
            boolean stop = false;
            for (ProjectionChange next = queued.take(); next != null; next = queued.poll()) {
                if (next == STOP) {
                    stop = true;
                    break;
                }
                batch.add(next);
            }
            if (!batch.isEmpty()) {
                sendUntilItLands(batch.toArray(ProjectionChange[]::new));
            }
            if (stop) {
                return;
            }
        }
    }

    /**
     * A batch that fails is tried again after a capped exponential backoff, forever. Later changes
     * queue up behind it and go in the next batch, so the order holds; the steps go on meanwhile.
     */
    private void sendUntilItLands(ProjectionChange[] batch) {
        if (fastPath && landedFast(batch)) {
            return;
        }
        Duration backoff = WRITE_RETRY_FIRST;
        for (int failures = 1; ; failures++) {
            try {
                projection.apply(batch);
                if (failures > 1) {
                    LOG.info("projection_write_recovered run_id={} failures={}", runId, failures - 1);
                }
                return;
            } catch (ActivityFailure e) {
                LOG.warn("projection_write_failed run_id={} changes={} failures={} retry_in={} reason=\"{}\"",
                        runId, batch.length, failures, backoff, redactor.redact(rootMessage(e)));
                Workflow.sleep(backoff);
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(WRITE_RETRY_MAX) > 0 ? WRITE_RETRY_MAX : doubled;
            }
        }
    }

    /** True when the batch landed on the fast path; a slow or failed write leaves that path for good. */
    private boolean landedFast(ProjectionChange[] batch) {
        try {
            long took = fastProjection.applyTimed(batch);
            if (took > SLOW_WRITE.toMillis()) {
                fastPath = false;
                LOG.info("projection_fast_path_off run_id={} reason=\"a write took {} ms\"", runId, took);
            }
            return true;
        } catch (ActivityFailure e) {
            fastPath = false;
            LOG.warn("projection_fast_path_off run_id={} changes={} reason=\"{}\"", runId, batch.length,
                    redactor.redact(rootMessage(e)));
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root instanceof ApplicationFailure app ? app.getOriginalMessage() : String.valueOf(root.getMessage());
    }
}
