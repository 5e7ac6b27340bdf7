package io.stepwise.api.runs;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.bootstrap.lease.QueueLease;
import io.stepwise.bootstrap.temporal.TaskQueuePollers;
import io.temporal.client.WorkflowClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * Why an active run makes no progress, when it makes none (API.md, "The run document"): not
 * started in Temporal yet; PENDING with no live worker on the queue; or active here while its
 * execution is closed or gone. A worker is live when its queue lease has a fresh heartbeat, or,
 * where the server reports them (not the embedded dev server), when Temporal saw it poll.
 */
@ApplicationScoped
public class StuckDetector {
    private final QueueLease leases;
    private final TemporalConfig temporal;
    private final WorkerConfig workers;
    private final RunService runs;
    private final WorkflowClient client;
    private final TemporalGate gate;
    private final io.stepwise.bootstrap.config.ReconcilerConfig reconciler;

    public StuckDetector(QueueLease leases, TemporalConfig temporal, WorkerConfig workers, RunService runs,
                         WorkflowClient client, TemporalGate gate, io.stepwise.bootstrap.config.ReconcilerConfig reconciler) {
        this.reconciler = reconciler;
        this.leases = leases;
        this.temporal = temporal;
        this.workers = workers;
        this.runs = runs;
        this.client = client;
        this.gate = gate;
    }

    public RunViews.Stuck of(UUID runId, String status, boolean startedInTemporal, Instant createdAt, Instant updatedAt) {
        if (!"PENDING".equals(status) && !"RUNNING".equals(status) && !"WAITING".equals(status)) {
            return null;
        }
        if (!startedInTemporal) {
            return new RunViews.Stuck("not started in Temporal yet; the reconciler starts it when Temporal answers",
                    createdAt);
        }
        // a run that moved within the reconciler's grace period was just started or just progressed:
        // it is not asked about in Temporal (which spares every launch response a round trip)
        if (updatedAt.isBefore(Instant.now().minus(reconciler.grace()))) {
            boolean alive;
            try {
                alive = runs.executionAlive(runId);
            } catch (io.stepwise.api.error.ApiException.Unavailable temporalDown) {
                return new RunViews.Stuck("Temporal does not answer", updatedAt);
            }
            if (!alive) {
                return new RunViews.Stuck("execution lost: resume to continue", updatedAt);
            }
        }
        if ("PENDING".equals(status) && !workerAlive()) {
            return new RunViews.Stuck("no worker polls the queue " + temporal.taskQueue()
                    + " (no live lease, no poller reported by Temporal); start a workflow-worker", createdAt);
        }
        return null;
    }

    private boolean workerAlive() {
        boolean leased = leases.all().stream()
                .anyMatch(l -> l.queue().equals(temporal.taskQueue()) && l.live(workers.leaseTtl()));
        return leased || temporalSeesPollers();
    }

    private boolean temporalSeesPollers() {
        if (gate.down()) {
            return false;
        }
        try {
            return TaskQueuePollers.of(client.getWorkflowServiceStubs(), temporal.namespace(), temporal.taskQueue())
                    .map(pollers -> !pollers.isEmpty()).orElse(false);
        } catch (RuntimeException e) {
            gate.failed(e);
            return false;
        }
    }
}
