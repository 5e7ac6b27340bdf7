package io.stepwise.api.runs;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.bootstrap.lease.QueueLease;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * Why an active run makes no progress, when it makes none (API.md, "The run document"): not
 * started in Temporal yet; PENDING with no live worker on the queue (from the lease heartbeats,
 * which the embedded dev server's missing DescribeTaskQueue makes the reliable source); or
 * active here while its execution is closed or gone.
 */
@ApplicationScoped
public class StuckDetector {
    private final QueueLease leases;
    private final TemporalConfig temporal;
    private final WorkerConfig workers;
    private final RunService runs;

    public StuckDetector(QueueLease leases, TemporalConfig temporal, WorkerConfig workers, RunService runs) {
        this.leases = leases;
        this.temporal = temporal;
        this.workers = workers;
        this.runs = runs;
    }

    public RunViews.Stuck of(UUID runId, String status, boolean startedInTemporal, Instant createdAt, Instant updatedAt) {
        if (!"PENDING".equals(status) && !"RUNNING".equals(status) && !"WAITING".equals(status)) {
            return null;
        }
        if (!startedInTemporal) {
            return new RunViews.Stuck("not started in Temporal yet; the reconciler starts it when Temporal answers",
                    createdAt);
        }
        boolean alive;
        try {
            alive = runs.executionAlive(runId);
        } catch (RuntimeException temporalDown) {
            return new RunViews.Stuck("Temporal does not answer", updatedAt);
        }
        if (!alive) {
            return new RunViews.Stuck("execution lost: resume to continue", updatedAt);
        }
        if ("PENDING".equals(status) && !workerAlive()) {
            return new RunViews.Stuck("no worker polls the queue " + temporal.taskQueue()
                    + " (no live lease); start a workflow-worker", createdAt);
        }
        return null;
    }

    private boolean workerAlive() {
        return leases.all().stream().anyMatch(l -> l.queue().equals(temporal.taskQueue()) && l.live(workers.leaseTtl()));
    }
}
