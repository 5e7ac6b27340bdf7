package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.RunEntity;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.UUID;

/**
 * Cancels a run. A run not started in Temporal yet is canceled in the database alone (the starter
 * re-checks the status, so nothing starts it later); a run whose execution is gone is canceled the
 * same way; otherwise Temporal is asked, and the worker projects CANCELED when the execution ends.
 */
@ApplicationScoped
public class RunCanceler {
    private final EntityManager em;
    private final TemporalRuns temporal;
    private final Reconciler reconciler;
    private final RunAudit audit;
    private final ObjectMapper json;

    public RunCanceler(EntityManager em, TemporalRuns temporal, Reconciler reconciler, RunAudit audit, ObjectMapper json) {
        this.em = em;
        this.temporal = temporal;
        this.reconciler = reconciler;
        this.audit = audit;
        this.json = json;
    }

    private record Seen(RunStatus status, int attempt) {
    }

    public void cancel(UUID runId, String actor) {
        Seen seen = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = RunEntity.findById(runId);
            return run == null ? null : new Seen(RunStatus.valueOf(run.status), run.attempt);
        });
        if (seen == null) {
            throw new ApiException.NotFound("no run " + runId);
        }
        if (seen.status().terminal()) {
            throw new ApiException.Conflict("run " + runId + " is " + seen.status() + " and can't be canceled");
        }
        if (cancelInDatabase(runId, actor, "PENDING run not started in Temporal", "AND NOT started_in_temporal")) {
            return;
        }
        if (temporal.cancel(runId) == TemporalRuns.Reached.DELIVERED) {
            QuarkusTransaction.requiringNew().run(() -> audit.record(runId, RunAudit.Kind.CANCELED, actor, null));
            return;
        }
        // no open execution: either it closed (the reconciler settles what Temporal reports) or it is gone
        ExecutionState state = temporal.describe(runId);
        if (state instanceof ExecutionState.Closed closed) {
            reconciler.settle(runId, seen.attempt(), closed);
            throw new ApiException.Conflict("run " + runId + "'s execution had already ended (" + closed.label()
                    + "); the run now shows that");
        }
        if (!cancelInDatabase(runId, actor, "execution lost", "")) {
            throw new ApiException.Conflict("run " + runId + " ended while it was being canceled");
        }
    }

    /** Cancels an active run by a database write alone; answers whether it did. */
    private boolean cancelInDatabase(UUID runId, String actor, String why, String condition) {
        return QuarkusTransaction.requiringNew().call(() -> {
            String error = json.createObjectNode().putNull("step").put("message", "canceled (" + why + ")")
                    .put("type", "Canceled").toString();
            int canceled = em.createNativeQuery("UPDATE runs SET status = 'CANCELED', error = CAST(:error AS jsonb), "
                            + "finished_at = now(), updated_at = now() WHERE id = :id "
                            + "AND status IN ('PENDING', 'RUNNING', 'WAITING') " + condition)
                    .setParameter("error", error).setParameter("id", runId).executeUpdate();
            if (canceled == 0) {
                return false;
            }
            em.createNativeQuery("UPDATE waits SET status = 'CANCELED', closed_at = now() WHERE run_id = :id "
                    + "AND status = 'WAITING'").setParameter("id", runId).executeUpdate();
            audit.record(runId, RunAudit.Kind.CANCELED, actor, json.createObjectNode().put("inDatabase", why));
            return true;
        });
    }
}
