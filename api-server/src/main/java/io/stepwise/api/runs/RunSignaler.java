package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.RunEntity;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.RuntimeContract;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Delivers an event to one run's execution. A run without an open execution (not started yet, or
 * lost) answers 409 with the reason instead of keeping the signal: a kept signal would be a second,
 * silent queue the caller can't see or retry against (docs/runs.md, "Signals").
 */
@ApplicationScoped
public class RunSignaler {
    private final TemporalRuns temporal;
    private final RunAudit audit;
    private final ObjectMapper json;
    private final SecretInputs secretInputs;

    public RunSignaler(TemporalRuns temporal, RunAudit audit, ObjectMapper json, SecretInputs secretInputs) {
        this.secretInputs = secretInputs;
        this.temporal = temporal;
        this.audit = audit;
        this.json = json;
    }

    private record Target(RunStatus status, boolean started) {
    }

    public void signal(UUID runId, EventSignal signal, String actor) {
        Target run = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity found = RunEntity.findById(runId);
            return found == null ? null : new Target(RunStatus.valueOf(found.status), found.startedInTemporal);
        });
        if (run == null) {
            throw new ApiException.NotFound("no run " + runId);
        }
        if (run.status().terminal()) {
            throw new ApiException.Conflict("run " + runId + " is " + run.status() + " and can't be signaled");
        }
        if (!run.started()) {
            throw new ApiException.Conflict("run " + runId + " has not started in Temporal yet, so nothing can take the"
                    + " signal; send it again once the run is RUNNING or WAITING");
        }
        if (temporal.signal(runId, signal) == TemporalRuns.Reached.NO_OPEN_EXECUTION) {
            throw new ApiException.Conflict("run " + runId + " has no open execution (" + RuntimeContract.workflowId(
                    runId.toString()) + " is closed or lost); resume the run, then send the signal again");
        }
        QuarkusTransaction.requiringNew().run(() -> audit.record(runId, RunAudit.Kind.SIGNALED, actor,
                json.createObjectNode().put("event", signal.event())
                        .put("correlationKey", secretInputs.redactorOf(runId).redact(signal.correlationKey()))));
    }
}
