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
 * Continues a FAILED run, or a run active here whose execution is closed or gone, in place:
 * same id, attempt + 1, a new execution that skips the steps that SUCCEEDED or were SKIPPED
 * (their recorded outputs feed later steps) and gives unfinished timers only the time they had left.
 * Of concurrent resumes exactly one wins: the update is conditional on the attempt and status read.
 */
@ApplicationScoped
public class RunResumer {
    private final EntityManager em;
    private final ObjectMapper json;
    private final TemporalRuns temporal;
    private final RunStarter starter;
    private final RunAudit audit;

    public RunResumer(EntityManager em, ObjectMapper json, TemporalRuns temporal, RunStarter starter, RunAudit audit) {
        this.em = em;
        this.json = json;
        this.temporal = temporal;
        this.starter = starter;
        this.audit = audit;
    }

    /**
     * Whether the run document offers Resume: FAILED, or active and started with an execution the
     * reconciler last saw lost or closed. {@link #resume} asks Temporal itself and is the authority;
     * this is what the database knows, so a run whose worker just died shows it once reconciled.
     */
    static boolean resumable(RunRows.Facts run) {
        if (run.status() == RunStatus.FAILED) {
            return true;
        }
        return !run.status().terminal() && run.startedInTemporal()
                && ("NOT_FOUND".equals(run.executionState()) || "CLOSED".equals(run.executionState()));
    }

    /** The run as the resume read it. */
    private record Seen(RunStatus status, int attempt, boolean started) {
    }

    public void resume(UUID runId, String actor) {
        Seen seen = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = RunEntity.findById(runId);
            return run == null ? null : new Seen(RunStatus.valueOf(run.status), run.attempt, run.startedInTemporal);
        });
        if (seen == null) {
            throw new ApiException.NotFound("no run " + runId);
        }
        if (seen.status() == RunStatus.SUCCEEDED || seen.status() == RunStatus.CANCELED) {
            throw new ApiException.Conflict("run " + runId + " is " + seen.status() + "; replay it to run it again");
        }
        if (seen.status() == RunStatus.PENDING && !seen.started()) {
            // just resumed or launched, its start on its way: the execution Temporal knows is an older one
            throw new ApiException.Conflict("run " + runId + " is PENDING and about to start (the reconciler starts"
                    + " it if this server can't); it needs no resume");
        }
        // asked outside any transaction: a slow Temporal must not hold a database connection
        if (seen.status() != RunStatus.FAILED && temporal.describe(runId) instanceof ExecutionState.Running) {
            throw new ApiException.Conflict("run " + runId + " is " + seen.status()
                    + " and its execution is alive; it needs no resume");
        }
        int attempt = seen.attempt() + 1;
        QuarkusTransaction.requiringNew().run(() -> {
            int claimed = em.createNativeQuery("""
                            UPDATE runs SET attempt = :next, status = 'PENDING', error = NULL, output = NULL,
                                   finished_at = NULL, started_in_temporal = false, execution_state = NULL,
                                   workflow_task_failure = NULL, workflow_task_failed_at = NULL, updated_at = now()
                            WHERE id = :id AND attempt = :seen AND status = :status""")
                    .setParameter("next", attempt).setParameter("id", runId).setParameter("seen", seen.attempt())
                    .setParameter("status", seen.status().name()).executeUpdate();
            if (claimed == 0) {
                throw new ApiException.Conflict("run " + runId + " changed while it was being resumed (another resume,"
                        + " or its execution moved on); read it again");
            }
            em.createNativeQuery("UPDATE waits SET status = 'CANCELED', closed_at = now() WHERE run_id = :id "
                    + "AND attempt < :next AND status = 'WAITING'")
                    .setParameter("id", runId).setParameter("next", attempt).executeUpdate();
            audit.record(runId, RunAudit.Kind.RESUMED, actor, json.createObjectNode().put("attempt", attempt)
                    .put("skippedSteps", starter.recordedSteps(runId, attempt).size()));
        });
        starter.start(runId);
    }
}
