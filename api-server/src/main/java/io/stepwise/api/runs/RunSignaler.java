package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.config.EventsConfig;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.RunEntity;
import io.stepwise.core.runtime.EventSignal;
import io.stepwise.core.runtime.RunState;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.RuntimeContract;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * Delivers an event to one run's execution. A run without an open execution (not started yet, or
 * lost) answers 409 with the reason instead of keeping the signal: a kept signal would be a second,
 * silent queue the caller can't see or retry against (docs/runs.md, "Signals"). A run whose event
 * buffer is full answers 429 for an event none of its waits takes (docs/runs.md, "Buffered events").
 */
@ApplicationScoped
public class RunSignaler {
    private final TemporalRuns temporal;
    private final RunAudit audit;
    private final ObjectMapper json;
    private final SecretInputs secretInputs;

    private final EventsConfig config;

    public RunSignaler(TemporalRuns temporal, RunAudit audit, ObjectMapper json, EventsConfig config,
                       SecretInputs secretInputs) {
        this.secretInputs = secretInputs;
        this.config = config;
        this.temporal = temporal;
        this.audit = audit;
        this.json = json;
    }

    private record Target(RunStatus status, boolean started) {
    }

    /** Whether to ask the run first if it would keep the event (docs/runs.md, "Buffered events"). */
    public enum BufferCheck { ASK_FIRST, SEND }

    /** A signal to one run, which asks the run first whether it would keep the event. */
    public void signal(UUID runId, EventSignal signal, String actor) {
        signal(runId, signal, actor, BufferCheck.ASK_FIRST);
    }

    public void signal(UUID runId, EventSignal signal, String actor, BufferCheck check) {
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
        if (check == BufferCheck.ASK_FIRST) {
            refuseWhenFull(runId, signal);
        }
        if (temporal.signal(runId, signal) == TemporalRuns.Reached.NO_OPEN_EXECUTION) {
            throw new ApiException.Conflict("run " + runId + " has no open execution (" + RuntimeContract.workflowId(
                    runId.toString()) + " is closed or lost); resume the run, then send the signal again");
        }
        QuarkusTransaction.requiringNew().run(() -> audit.record(runId, RunAudit.Kind.SIGNALED, actor,
                json.createObjectNode().put("event", signal.event())
                        .put("correlationKey", secretInputs.redactorOf(runId).redact(signal.correlationKey()))));
    }

    /**
     * A run whose buffer is at its cap drops an event no open wait takes; refusing it here tells
     * the caller, where a drop inside the run would not. A run that does not answer in time gets
     * the signal: the run's own cap still holds, and an absent worker must not block signals.
     */
    private void refuseWhenFull(UUID runId, EventSignal signal) {
        Optional<RunState> state = temporal.state(runId, config.bufferCheckTimeout());
        if (state.isPresent() && !state.get().keeps(signal)) {
            RunState full = state.get();
            throw new ApiException.LimitReached("run " + runId + "'s event buffer is full: it holds "
                    + full.bufferedEvents() + " events no step has taken yet (the limit, "
                    + "stepwise.worker.max-buffered-events, is " + full.bufferLimit() + ") and no open wait takes '"
                    + signal.event() + "'; nothing was sent. Send it again once the run's event.wait steps have taken some");
        }
    }
}
