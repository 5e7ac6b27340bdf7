package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;
import io.stepwise.bootstrap.persistence.DefinitionEntity;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.bootstrap.persistence.RunEntity;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.inputs.InputValidator;
import io.stepwise.core.redact.Redactor;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.UUID;

/**
 * Continues a FAILED run, or a run active here whose execution is closed or gone, in place:
 * same id, attempt + 1, a new execution that skips the steps that SUCCEEDED or were SKIPPED
 * (their recorded outputs feed later steps) and gives unfinished timers only the time they had left.
 * On the workflow's current version, only the outcomes of steps it still has with the same
 * {@code uses} are kept ({@link ResumePlan}); a plan that can't work is a 409 listing why.
 * Of concurrent resumes exactly one wins: the update is conditional on the attempt, status and version read.
 */
@ApplicationScoped
public class RunResumer {
    private final EntityManager em;
    private final ObjectMapper json;
    private final TemporalRuns temporal;
    private final RunStarter starter;
    private final RunAudit audit;
    private final PinnedDefinitions definitions;
    private final SecretInputs secretInputs;

    public RunResumer(EntityManager em, ObjectMapper json, TemporalRuns temporal, RunStarter starter, RunAudit audit,
                      PinnedDefinitions definitions, SecretInputs secretInputs) {
        this.em = em;
        this.json = json;
        this.temporal = temporal;
        this.starter = starter;
        this.audit = audit;
        this.definitions = definitions;
        this.secretInputs = secretInputs;
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
    private record Seen(RunStatus status, int attempt, boolean started, UUID versionId) {
    }

    /** A plan and what carrying it out writes: the version resumed on and, when it changes, the inputs as it stores them. */
    private record Planned(ResumePlan plan, UUID versionId, SecretInputs.Stored inputs, JsonNode inputsRedacted) {
    }

    /**
     * Resumes the run on its own version ({@code ORIGINAL}) or the workflow's current one, or with
     * {@code dryRun} only answers what that would do. Answers the plan either way.
     */
    public ResumePlan resume(UUID runId, RunLauncher.Version version, boolean dryRun, String actor) {
        Seen seen = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = RunEntity.findById(runId);
            return run == null ? null
                    : new Seen(RunStatus.valueOf(run.status), run.attempt, run.startedInTemporal, run.versionId);
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
        Planned planned = QuarkusTransaction.requiringNew().call(() -> plan(runId, attempt, version));
        ResumePlan plan = planned.plan();
        if (!plan.possible()) {
            throw new ApiException.Conflict("run " + runId + " can't resume on version " + plan.toVersion() + ": "
                    + plan.incompatibilities().size() + " thing" + (plan.incompatibilities().size() == 1 ? "" : "s")
                    + " in the way (errors); fix the workflow or replay the run", plan.incompatibilities());
        }
        if (dryRun) {
            return plan;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            int claimed = em.createNativeQuery("""
                            UPDATE runs SET attempt = :next, status = 'PENDING', error = NULL, output = NULL,
                                   finished_at = NULL, started_in_temporal = false, execution_state = NULL,
                                   workflow_task_failure = NULL, workflow_task_failed_at = NULL, updated_at = now(),
                                   version_id = :to
                            WHERE id = :id AND attempt = :seen AND status = :status AND version_id = :from""")
                    .setParameter("next", attempt).setParameter("id", runId).setParameter("seen", seen.attempt())
                    .setParameter("status", seen.status().name()).setParameter("to", planned.versionId())
                    .setParameter("from", seen.versionId()).executeUpdate();
            if (claimed == 0) {
                throw new ApiException.Conflict("run " + runId + " changed while it was being resumed (another resume,"
                        + " or its execution moved on); read it again");
            }
            if (planned.inputs() != null) {
                // the inputs as the new version stores them: its secret inputs sealed, its redaction shown
                RunEntity run = RunEntity.findById(runId);
                run.inputs = StoredJson.encode(planned.inputs().clear());
                run.secretInputs = planned.inputs().sealed();
                run.inputsRedacted = planned.inputsRedacted();
            }
            em.createNativeQuery("UPDATE waits SET status = 'CANCELED', closed_at = now() WHERE run_id = :id "
                    + "AND attempt < :next AND status = 'WAITING'")
                    .setParameter("id", runId).setParameter("next", attempt).executeUpdate();
            audit.record(runId, RunAudit.Kind.RESUMED, actor, json.createObjectNode().put("attempt", attempt)
                    .put("fromVersion", plan.fromVersion()).put("toVersion", plan.toVersion())
                    .put("keptSteps", plan.kept().size()));
        });
        starter.start(runId);
        return plan;
    }

    private Planned plan(UUID runId, int attempt, RunLauncher.Version version) {
        RunEntity run = RunEntity.findById(runId);
        DefinitionVersionEntity from = DefinitionVersionEntity.findById(run.versionId);
        DefinitionVersionEntity to = version == RunLauncher.Version.ORIGINAL ? from
                : RunLauncher.launchableVersion(DefinitionEntity.findById(run.definitionId), null);
        WorkflowDefinition fromDefinition = definitions.of(from);
        WorkflowDefinition toDefinition = definitions.of(to);
        List<Problem.Error> inputProblems = List.of();
        SecretInputs.Stored stored = null;
        JsonNode redacted = null;
        if (!to.id.equals(from.id)) {
            JsonNode values = secretInputs.join(StoredJson.decode(run.inputs), run.secretInputs);
            InputValidator.Result checked = InputValidator.validate(toDefinition, values);
            inputProblems = checked.violations().stream()
                    .map(v -> Problem.Error.ofField("inputs." + v.path(), v.message() + " (under version " + to.seq
                            + "'s inputs)")).toList();
            if (checked.valid()) {
                stored = secretInputs.split(toDefinition.secretInputs(), checked.values());
                redacted = StoredJson.encode(Redactor.forRun(toDefinition, checked.values())
                        .redactInputs(checked.values()));
            }
        }
        ResumePlan plan = ResumePlan.of(from.seq, fromDefinition, to.seq, toDefinition,
                starter.recorded(runId, attempt), inputProblems);
        return new Planned(plan, to.id, stored, redacted);
    }
}
