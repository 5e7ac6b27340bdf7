package io.stepwise.api.runs;

import io.stepwise.bootstrap.persistence.SqlTimes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.error.ApiException;
import io.stepwise.api.error.Problem;
import io.stepwise.bootstrap.config.TemporalConfig;
import io.stepwise.bootstrap.persistence.DefinitionEntity;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.bootstrap.persistence.RunEntity;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.inputs.InputValidator;
import io.stepwise.core.redact.Redactor;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.RecordedStep;
import io.stepwise.core.runtime.StepStatus;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RuntimeContract;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Launch, signal and cancel. A launch commits the run row first and only then asks Temporal to
 * start {@code stepwise-run-<runId>} (ARCHITECTURE.md, "A run, end to end"); if Temporal is down
 * the run stays PENDING and nothing is lost. The fixed workflow id makes a second start a no-op.
 */
@ApplicationScoped
public class RunService {
    private static final Logger LOG = Logger.getLogger(RunService.class);

    /** A launch's outcome: the run, and whether it was created now (201) or found by its key (200). */
    public record Launched(UUID runId, boolean created) {
    }

    private final WorkflowParser parser;
    private final WorkflowClient temporal;
    private final TemporalConfig temporalConfig;
    private final EntityManager em;
    private final ObjectMapper json;
    private final TemporalGate gate;
    private final io.micrometer.core.instrument.MeterRegistry metrics;

    public RunService(WorkflowParser parser, WorkflowClient temporal, TemporalConfig temporalConfig, EntityManager em,
                      ObjectMapper json, TemporalGate gate, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        this.parser = parser;
        this.temporal = temporal;
        this.temporalConfig = temporalConfig;
        this.em = em;
        this.json = json;
        this.gate = gate;
    }

    public Launched launch(String ref, JsonNode inputs, String executionKey, String actor) {
        Launched launched = QuarkusTransaction.requiringNew().call(() -> insertRun(ref, inputs, executionKey, actor));
        if (launched.created()) {
            startExecution(launched.runId());
        }
        return launched;
    }

    private Launched insertRun(String ref, JsonNode inputs, String executionKey, String actor) {
        DefinitionEntity definition = DefinitionEntity.findByRef(ref)
                .orElseThrow(() -> new ApiException.NotFound("no workflow " + ref));
        if (executionKey != null) {
            Optional<RunEntity> existing = RunEntity.findByKey(definition.id, executionKey);
            if (existing.isPresent()) {
                return new Launched(existing.get().id, false);
            }
        }
        return createRun(definition, launchableVersion(definition, null), inputs, executionKey, actor, null);
    }

    /** The version a new run takes: the current one, or {@code pinned}; archived or unloadable answers 409. */
    private DefinitionVersionEntity launchableVersion(DefinitionEntity definition, UUID pinned) {
        if (DefinitionEntity.ARCHIVED.equals(definition.status)) {
            throw new ApiException.Conflict("workflow " + definition.ref + " is archived; new runs can't start");
        }
        UUID versionId = pinned != null ? pinned : definition.currentVersionId;
        if (versionId == null) {
            throw new ApiException.Conflict("workflow " + definition.ref + " has no version that loads: "
                    + definition.loadError);
        }
        return DefinitionVersionEntity.findById(versionId);
    }

    private Launched createRun(DefinitionEntity definition, DefinitionVersionEntity version, JsonNode inputs,
                               String executionKey, String actor, UUID replayOf) {
        String ref = definition.ref;
        WorkflowDefinition def = load(version);
        InputValidator.Result checked = InputValidator.validate(def, inputs);
        if (!checked.valid()) {
            throw new ApiException.BadRequest("the inputs do not match the workflow's inputs",
                    checked.violations().stream().map(v -> Problem.Error.ofField(v.path(), v.message())).toList());
        }
        // one run per (workflow, key): concurrent launches with one key serialize here
        if (executionKey != null) {
            em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:k))")
                    .setParameter("k", definition.id + "/" + executionKey).getSingleResult();
            Optional<RunEntity> existing = RunEntity.findByKey(definition.id, executionKey);
            if (existing.isPresent()) {
                return new Launched(existing.get().id, false);
            }
        }
        if (def.concurrencyLimit() != null) {
            // launches of one workflow serialize on its lock, so the count below can't be outrun
            em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:k))")
                    .setParameter("k", "stepwise-limit:" + definition.id).getSingleResult();
            long active = ((Number) em.createNativeQuery("SELECT count(*) FROM runs WHERE definition_id = :d "
                    + "AND status IN ('PENDING', 'RUNNING', 'WAITING')").setParameter("d", definition.id)
                    .getSingleResult()).longValue();
            if (active >= def.concurrencyLimit()) {
                throw new ApiException.LimitReached("workflow " + ref + " allows " + def.concurrencyLimit()
                        + " runs at a time and " + active + " are not finished; try again when one ends");
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        RunEntity run = new RunEntity();
        run.id = UUID.randomUUID();
        run.definitionId = definition.id;
        run.versionId = version.id;
        run.workflowRef = ref;
        run.status = "PENDING";
        run.attempt = 1;
        run.executionKey = executionKey;
        run.inputs = checked.values();
        run.inputsRedacted = Redactor.forRun(def, checked.values()).redactInputs(checked.values());
        run.replayOf = replayOf;
        run.createdBy = actor;
        run.createdAt = now;
        run.updatedAt = now;
        run.persist();
        var details = json.createObjectNode().put("version", version.seq).put("executionKey", executionKey);
        if (replayOf != null) {
            details.put("replayOf", replayOf.toString());
        }
        audit(run.id, "LAUNCHED", actor, details);
        metrics.counter("stepwise.runs.launched", "workflow", ref).increment();
        return new Launched(run.id, true);
    }

    /**
     * A new run from scratch with the original run's stored raw inputs (secrets included) or the
     * inputs given, on the current version or the original one.
     */
    public Launched replay(UUID originalId, JsonNode inputs, String version, String actor) {
        if (version != null && !version.equals("current") && !version.equals("original")) {
            throw new ApiException.BadRequest("version must be 'current' or 'original', not '" + version + "'");
        }
        Launched launched = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity original = RunEntity.findById(originalId);
            if (original == null) {
                throw new ApiException.NotFound("no run " + originalId);
            }
            DefinitionEntity definition = DefinitionEntity.findById(original.definitionId);
            DefinitionVersionEntity pinned = launchableVersion(definition,
                    "original".equals(version) ? original.versionId : null);
            Launched created = createRun(definition, pinned, inputs == null || inputs.isNull() ? original.inputs : inputs,
                    null, actor, original.id);
            audit(original.id, "REPLAYED", actor, json.createObjectNode().put("newRun", created.runId().toString()));
            return created;
        });
        startExecution(launched.runId());
        return launched;
    }

    /**
     * Asks Temporal to start the run; answers whether it started. A failure, or Temporal known to be
     * down, leaves it PENDING for the reconciler.
     */
    boolean startExecution(UUID runId) {
        if (gate.down()) {
            LOG.debugf("run_start_deferred run_id=%s reason=temporal_unreachable", runId);
            return false;
        }
        RunEntity run = QuarkusTransaction.requiringNew().call(() -> RunEntity.<RunEntity>findById(runId));
        RunInput input = run.attempt == 1
                ? new RunInput(runId.toString(), run.workflowRef, run.versionId.toString(), run.inputs, 1, Map.of())
                : QuarkusTransaction.requiringNew().call(() -> new RunInput(runId.toString(), run.workflowRef,
                        run.versionId.toString(), run.inputs, run.attempt, recordedSteps(runId, run.attempt),
                        timersDue(runId, run.attempt)));
        WorkflowStub stub = temporal.newUntypedWorkflowStub(RuntimeContract.WORKFLOW_TYPE, WorkflowOptions.newBuilder()
                .setTaskQueue(temporalConfig.taskQueue())
                .setWorkflowId(RuntimeContract.workflowId(runId.toString()))
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
        try {
            stub.start(input);
        } catch (WorkflowExecutionAlreadyStarted already) {
            LOG.debugf("run_already_started run_id=%s", runId);
        } catch (RuntimeException e) {
            gate.failed(e);
            LOG.warnf("run_start_deferred run_id=%s reason=%s", runId, e.getMessage());
            return false;
        }
        gate.answered();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE runs SET started_in_temporal = true, updated_at = now() WHERE id = :id")
                .setParameter("id", runId).executeUpdate());
        return true;
    }

    /**
     * Continues a FAILED run, or a run active here whose execution is closed or gone, in place:
     * same id, attempt + 1, a new execution that skips the steps that SUCCEEDED or were SKIPPED
     * (their recorded outputs feed later steps) and gives unfinished timers only the time they had left.
     */
    public void resume(UUID runId, String actor) {
        RunEntity run = QuarkusTransaction.requiringNew().call(() -> RunEntity.<RunEntity>findById(runId));
        if (run == null) {
            throw new ApiException.NotFound("no run " + runId);
        }
        if ("SUCCEEDED".equals(run.status) || "CANCELED".equals(run.status)) {
            throw new ApiException.Conflict("run " + runId + " is " + run.status + "; replay it to run it again");
        }
        if (!"FAILED".equals(run.status) && executionAlive(runId)) {
            throw new ApiException.Conflict("run " + runId + " is " + run.status
                    + " and its execution is alive; it needs no resume");
        }
        int attempt = run.attempt + 1;
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("UPDATE waits SET status = 'CANCELED', closed_at = now() WHERE run_id = :id "
                    + "AND status = 'WAITING'").setParameter("id", runId).executeUpdate();
            em.createNativeQuery("UPDATE runs SET attempt = :attempt, status = 'PENDING', error = NULL, output = NULL, "
                            + "finished_at = NULL, started_in_temporal = false, updated_at = now() WHERE id = :id")
                    .setParameter("attempt", attempt).setParameter("id", runId).executeUpdate();
            audit(runId, "RESUMED", actor, json.createObjectNode().put("attempt", attempt)
                    .put("skippedSteps", recordedSteps(runId, attempt).size()));
        });
        startExecution(runId);
    }

    /**
     * What a resumed attempt inherits: the newest outcome of every step that SUCCEEDED or was
     * SKIPPED in an earlier attempt. Read from the steps table, so a reconciler start of a resumed
     * run that Temporal refused at first gets the same as the resume itself.
     */
    private Map<String, RecordedStep> recordedSteps(UUID runId, int attempt) {
        Map<String, RecordedStep> recorded = new java.util.HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> steps = em.createNativeQuery("SELECT DISTINCT ON (path) path, status, output::text FROM steps "
                        + "WHERE run_id = :id AND attempt < :attempt ORDER BY path, attempt DESC")
                .setParameter("id", runId).setParameter("attempt", attempt).getResultList();
        for (Object[] step : steps) {
            String status = (String) step[1];
            if ("SUCCEEDED".equals(status) || "SKIPPED".equals(status)) {
                recorded.put((String) step[0], new RecordedStep(StepStatus.valueOf(status), readJson((String) step[2])));
            }
        }
        return recorded;
    }

    /** The due times of the timers the previous attempt left unfinished: they wait only for what was left. */
    private Map<String, String> timersDue(UUID runId, int attempt) {
        Map<String, String> due = new java.util.HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> timers = em.createNativeQuery("SELECT step_path, due_at FROM waits WHERE run_id = :id "
                        + "AND attempt = :previous AND kind = 'TIMER' AND status IN ('WAITING', 'CANCELED') "
                        + "AND due_at IS NOT NULL")
                .setParameter("id", runId).setParameter("previous", attempt - 1).getResultList();
        for (Object[] t : timers) {
            due.put((String) t[0], SqlTimes.instant(t[1]).toString());
        }
        return due;
    }

    /**
     * A run active here whose execution closed without its final projection (terminated, timed
     * out): the status Temporal reports is written. Answers true when it wrote something.
     */
    boolean settleClosedExecution(UUID runId) {
        if (gate.down()) {
            return false;
        }
        io.temporal.api.enums.v1.WorkflowExecutionStatus status;
        try {
            status = temporal.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(temporal.getOptions().getNamespace())
                            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                    .setWorkflowId(RuntimeContract.workflowId(runId.toString())).build())
                            .build()).getWorkflowExecutionInfo().getStatus();
        } catch (io.grpc.StatusRuntimeException e) {
            gate.failed(e);
            return false; // gone or unreachable: stuck says so; resume is the way out
        }
        gate.answered();
        String runStatus;
        String errorType;
        switch (status) {
            case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> {
                return false;
            }
            case WORKFLOW_EXECUTION_STATUS_COMPLETED -> {
                runStatus = "SUCCEEDED";
                errorType = null;
            }
            case WORKFLOW_EXECUTION_STATUS_CANCELED -> {
                runStatus = "CANCELED";
                errorType = "Canceled";
            }
            case WORKFLOW_EXECUTION_STATUS_TERMINATED -> {
                runStatus = "FAILED";
                errorType = "Terminated";
            }
            case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> {
                runStatus = "FAILED";
                errorType = "ExecutionTimedOut";
            }
            default -> {
                runStatus = "FAILED";
                errorType = "ExecutionFailed";
            }
        }
        String error = errorType == null ? null : json.createObjectNode().putNull("step")
                .put("message", "the execution closed as " + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "")
                        + " without a final projection").put("type", errorType).toString();
        int updated = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "UPDATE runs SET status = :status, error = CAST(:error AS jsonb), finished_at = now(), "
                                + "updated_at = now() WHERE id = :id AND status IN ('PENDING', 'RUNNING', 'WAITING')")
                .setParameter("status", runStatus).setParameter("error", error).setParameter("id", runId).executeUpdate());
        if (updated > 0) {
            LOG.infof("reconciler_settled run_id=%s status=%s temporal=%s", runId, runStatus, status);
        }
        return updated > 0;
    }

    /** True while Temporal runs the run's execution; false when it is closed or unknown to the server. */
    boolean executionAlive(UUID runId) {
        if (gate.down()) {
            throw new ApiException.Unavailable("Temporal does not answer; try again shortly");
        }
        try {
            var description = temporal.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(temporal.getOptions().getNamespace())
                            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                    .setWorkflowId(RuntimeContract.workflowId(runId.toString())).build())
                            .build());
            gate.answered();
            return description.getWorkflowExecutionInfo().getStatus()
                    == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                gate.answered();
                return false;
            }
            gate.failed(e);
            throw new ApiException.Unavailable("Temporal did not answer: " + e.getStatus().getCode());
        }
    }

    private JsonNode readJson(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void signal(UUID runId, EventSignal signal, String actor) {
        RunEntity run = activeRun(runId, "signaled");
        throughGate(() -> stub(run).signal(RuntimeContract.EVENT_SIGNAL, signal));
        QuarkusTransaction.requiringNew().run(() -> audit(runId, "SIGNALED", actor, json.createObjectNode()
                .put("event", signal.event()).put("correlationKey", signal.correlationKey())));
    }

    public void cancel(UUID runId, String actor) {
        RunEntity run = activeRun(runId, "canceled");
        throughGate(() -> stub(run).cancel());
        QuarkusTransaction.requiringNew().run(() -> audit(runId, "CANCELED", actor, null));
    }

    private RunEntity activeRun(UUID runId, String action) {
        RunEntity run = QuarkusTransaction.requiringNew().call(() -> RunEntity.<RunEntity>findById(runId));
        if (run == null) {
            throw new ApiException.NotFound("no run " + runId);
        }
        if (run.terminal()) {
            throw new ApiException.Conflict("run " + runId + " is " + run.status + " and can't be " + action);
        }
        return run;
    }

    /** A call an operator waits on: 503 at once while Temporal is known to be down, or when this call finds it so. */
    private void throughGate(Runnable call) {
        if (gate.down()) {
            throw new ApiException.Unavailable("Temporal does not answer; try again shortly");
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            if (gate.failed(e)) {
                throw new ApiException.Unavailable("Temporal does not answer; try again shortly");
            }
            throw e;
        }
        gate.answered();
    }

    private WorkflowStub stub(RunEntity run) {
        return temporal.newUntypedWorkflowStub(RuntimeContract.workflowId(run.id.toString()));
    }

    /** Parsed definitions by version id: versions never change, and parsing is most of a launch's CPU. */
    private final Map<UUID, WorkflowDefinition> parsed = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, WorkflowDefinition> eldest) {
                    return size() > 256;
                }
            });

    private WorkflowDefinition load(DefinitionVersionEntity version) {
        WorkflowDefinition known = parsed.get(version.id);
        if (known != null) {
            return known;
        }
        WorkflowDefinition definition = parse(version);
        parsed.put(version.id, definition);
        return definition;
    }

    private WorkflowDefinition parse(DefinitionVersionEntity version) {
        try {
            LoadResult loaded = parser.fromStoredJson(json.readTree(version.definition));
            if (!loaded.valid()) {
                throw new ApiException.Conflict("the current version no longer loads: " + loaded.summary());
            }
            return loaded.definition();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored definition is not JSON", e);
        }
    }

    private void audit(UUID runId, String kind, String actor, JsonNode details) {
        em.createNativeQuery("INSERT INTO run_events (run_id, kind, actor, details) VALUES (:run, :kind, :actor, "
                        + "CAST(:details AS jsonb))")
                .setParameter("run", runId).setParameter("kind", kind).setParameter("actor", actor)
                .setParameter("details", details == null ? null : details.toString()).executeUpdate();
    }
}
