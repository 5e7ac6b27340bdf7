package io.stepwise.api.health;

import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.config.WorkerConfig;
import io.stepwise.bootstrap.health.OutageLog;
import io.stepwise.bootstrap.lease.QueueLease;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;


/**
 * Reports, without ever failing readiness, how many live workers hold the authored task queue
 * (from the lease heartbeats): zero means launched runs will wait in PENDING.
 */
@Readiness
@ApplicationScoped
public class WorkerPresence implements HealthCheck {
    private final QueueLease leases;
    private final TemporalConfig temporal;
    private final WorkerConfig workers;
    private final OutageLog outages = new OutageLog("workflow-workers");

    public WorkerPresence(QueueLease leases, TemporalConfig temporal, WorkerConfig workers) {
        this.leases = leases;
        this.temporal = temporal;
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("workflow-workers").withData("queue", temporal.taskQueue()).up();
        try {
            long live = leases.all().stream()
                    .filter(l -> l.queue().equals(temporal.taskQueue()) && l.live(workers.leaseTtl()))
                    .count();
            outages.up();
            return response.withData("liveWorkers", live).build();
        } catch (RuntimeException e) {
            // the database check reports the outage; the detail goes to the log, never the response
            outages.down("leases unreadable", e);
            return response.withData("liveWorkers", "unknown").build();
        }
    }
}
