package io.stepwise.api.runs;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Why an active run makes no progress, when it makes none (API.md, "The run document"), from what
 * the database knows: not started in Temporal yet; its execution lost or closed as the reconciler
 * last saw it; workflow code failing as the worker reported it; the projection behind; no live
 * worker on the queue (PENDING, RUNNING or WAITING alike: a signal or a timer needs a worker too). None of it asks Temporal: a worker is live when its queue lease has
 * a fresh heartbeat, or when the reconciler's last look at the queue (within the lease's time to
 * live) found Temporal reporting a poller (servers that report them; not the embedded dev server).
 * Inside a transaction it joins it.
 */
@ApplicationScoped
public class StuckDetector {
    static final String LOST = "execution lost: resume to continue";

    private static final long SEEN_ALIVE_FOR = 1_000_000_000L;

    private final TemporalConfig temporalConfig;
    private final WorkerConfig workers;
    private final QueuePollers pollers;
    private volatile long lastSeenAlive = System.nanoTime() - SEEN_ALIVE_FOR;

    public StuckDetector(TemporalConfig temporalConfig, WorkerConfig workers, QueuePollers pollers) {
        this.temporalConfig = temporalConfig;
        this.workers = workers;
        this.pollers = pollers;
    }

    /** Whether a worker polls the queue, asked at most once per call site. */
    public BooleanSupplier workerLiveness() {
        return new BooleanSupplier() {
            private Boolean known;

            @Override
            public boolean getAsBoolean() {
                if (known == null) {
                    known = workerAlive();
                }
                return known;
            }
        };
    }

    public RunViews.Stuck of(RunRows.Facts run, BooleanSupplier workerAlive) {
        if (run.status().terminal()) {
            return null;
        }
        if (!run.startedInTemporal()) {
            return new RunViews.Stuck("not started in Temporal yet; the reconciler starts it when Temporal answers",
                    run.createdAt());
        }
        if ("NOT_FOUND".equals(run.executionState())) {
            return new RunViews.Stuck(LOST, since(run.reconciledAt(), run));
        }
        if ("CLOSED".equals(run.executionState())) {
            return new RunViews.Stuck("execution closed without a final projection; the reconciler settles it",
                    since(run.reconciledAt(), run));
        }
        if (run.workflowTaskFailure() != null) {
            return new RunViews.Stuck(run.workflowTaskFailure(), since(run.workflowTaskFailedAt(), run));
        }
        if (run.projectionError() != null) {
            return new RunViews.Stuck("projection behind since " + run.projectionFailingSince() + ": "
                    + run.projectionError(), since(run.projectionFailingSince(), run));
        }
        if (!workerAlive.getAsBoolean()) {
            // since: the run's last progress, its creation while it is still PENDING
            return new RunViews.Stuck("no worker polls the queue " + temporalConfig.taskQueue()
                    + " (no live lease, no poller reported by Temporal); start a workflow-worker",
                    run.status() == RunStatus.PENDING ? run.createdAt() : run.updatedAt());
        }
        return null;
    }

    private static Instant since(Instant at, RunRows.Facts run) {
        return at != null ? at : run.updatedAt();
    }

    /**
     * A live worker seen within the last second counts as live without asking again: reading an
     * active run costs no extra query while workers run. A missing worker is asked each time, so
     * the reason clears as soon as a lease appears.
     */
    private boolean workerAlive() {
        if (System.nanoTime() - lastSeenAlive < SEEN_ALIVE_FOR) {
            return true;
        }
        boolean alive = pollers.anyLive(temporalConfig.taskQueue(), workers.leaseTtl());
        if (alive) {
            lastSeenAlive = System.nanoTime();
        }
        return alive;
    }
}
