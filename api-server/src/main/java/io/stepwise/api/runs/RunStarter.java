package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.bootstrap.persistence.SqlTimes;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.crypto.Keyring;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.runtime.RecordedStep;
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.StepStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Asks Temporal to start a committed run row: after a launch, a replay, a resume, and from the
 * reconciler. Only a PENDING run not yet started is started; if a cancel lands while the start is
 * on its way, the start's own update finds the run CANCELED and cancels the execution it made.
 */
@ApplicationScoped
public class RunStarter {
    private static final Logger LOG = Logger.getLogger(RunStarter.class);

    private final EntityManager em;
    private final ObjectMapper json;
    private final TemporalRuns temporal;
    private final SecretInputs secretInputs;
    private final Keyring keyring;
    private final PinnedDefinitions definitions;

    public RunStarter(EntityManager em, ObjectMapper json, TemporalRuns temporal, SecretInputs secretInputs,
                      Keyring keyring, PinnedDefinitions definitions) {
        this.definitions = definitions;
        this.secretInputs = secretInputs;
        this.keyring = keyring;
        this.em = em;
        this.json = json;
        this.temporal = temporal;
    }

    /** Answers whether the run's execution exists now (started here or before). */
    public boolean start(UUID runId) {
        return start(runId, null);
    }

    /**
     * The same, with the input the launch just stored ({@code known}, or null to read it): the
     * update after the start still refuses a run canceled meanwhile.
     */
    public boolean start(UUID runId, RunInput known) {
        if (temporal.down()) {
            return false;
        }
        Optional<RunInput> input = known != null ? Optional.of(known)
                : QuarkusTransaction.requiringNew().call(() -> inputIfStartable(runId));
        if (input.isEmpty()) {
            return false; // canceled, already started, or gone: nothing to start
        }
        int attempt = input.get().attempt();
        TemporalRuns.Started started = temporal.start(runId, input.get());
        if (started == TemporalRuns.Started.DEFERRED) {
            return false;
        }
        int marked = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        UPDATE runs SET started_in_temporal = true, execution_state = 'RUNNING', updated_at = now()
                        WHERE id = :id AND attempt = :attempt AND status <> 'CANCELED'""")
                .setParameter("id", runId).setParameter("attempt", attempt).executeUpdate());
        if (marked == 0) {
            // a cancel committed while the start was on its way: the execution must not live on
            LOG.infof("run_start_raced_cancel run_id=%s", runId);
            temporal.cancel(runId);
            return false;
        }
        return true;
    }

    private Optional<RunInput> inputIfStartable(UUID runId) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT id, workflow_ref, version_id, inputs::text AS inputs, secret_inputs, attempt FROM runs
                        WHERE id = :id AND status = 'PENDING' AND NOT started_in_temporal""", Tuple.class)
                .setParameter("id", runId).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Tuple row = rows.get(0);
        int attempt = row.get("attempt", Number.class).intValue();
        JsonNode inputs = secretInputs.join(StoredJson.decode(read(row.get("inputs", String.class))),
                row.get("secret_inputs", String.class));
        String ref = row.get("workflow_ref", String.class);
        UUID version = row.get("version_id", UUID.class);
        if (attempt == 1) {
            return Optional.of(new RunInput(runId.toString(), ref, version.toString(), inputs, 1, Map.of()));
        }
        WorkflowDefinition definition = definitions.of(DefinitionVersionEntity.findById(version));
        return Optional.of(new RunInput(runId.toString(), ref, version.toString(), inputs, attempt,
                recordedSteps(runId, attempt, definition), timersDue(runId, attempt)));
    }

    /** A step outcome an earlier attempt recorded. */
    private record StepRow(String path, String uses, StepStatus status, String output, String sealed) {
        static StepRow of(Tuple t) {
            return new StepRow(t.get("path", String.class), t.get("uses", String.class),
                    StepStatus.valueOf(t.get("status", String.class)), t.get("output", String.class),
                    t.get("sealed", String.class));
        }
    }

    /**
     * The newest outcome of every step that SUCCEEDED or was SKIPPED in an attempt before
     * {@code attempt}: what a resume may reuse. Read from the steps table, so a reconciler start of
     * a resumed run that Temporal refused at first gets the same as the resume itself.
     */
    private List<StepRow> earlierOutcomes(UUID runId, int attempt) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT DISTINCT ON (path) path, uses, status, output::text AS output, output_sealed AS sealed
                        FROM steps WHERE run_id = :id AND attempt < :attempt ORDER BY path, attempt DESC""", Tuple.class)
                .setParameter("id", runId).setParameter("attempt", attempt).getResultList();
        return rows.stream().map(StepRow::of)
                .filter(step -> step.status() == StepStatus.SUCCEEDED || step.status() == StepStatus.SKIPPED).toList();
    }

    /** What a resume plans with: the earlier outcomes, without their outputs. */
    List<ResumePlan.Recorded> recorded(UUID runId, int attempt) {
        return earlierOutcomes(runId, attempt).stream()
                .map(step -> new ResumePlan.Recorded(step.path(), step.uses(), step.status())).toList();
    }

    /**
     * What a resumed attempt on {@code definition} inherits: the earlier outcomes of the steps it
     * still has with the same {@code uses} ({@link ResumePlan#keeps}).
     */
    Map<String, RecordedStep> recordedSteps(UUID runId, int attempt, WorkflowDefinition definition) {
        Map<String, RecordedStep> recorded = new HashMap<>();
        for (StepRow step : earlierOutcomes(runId, attempt)) {
            if (ResumePlan.keeps(definition, step.path(), step.uses())) {
                // an output that held a secret is stored redacted; the resumed run gets the real one
                String output = step.sealed() != null ? keyring.openText(step.sealed()) : step.output();
                recorded.put(step.path(), new RecordedStep(step.status(), StoredJson.decode(read(output))));
            }
        }
        return recorded;
    }

    /** The due times of the timers the previous attempt left unfinished: they wait only for what was left. */
    private Map<String, String> timersDue(UUID runId, int attempt) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT step_path, due_at FROM waits WHERE run_id = :id AND attempt = :previous
                          AND kind = 'TIMER' AND status IN ('WAITING', 'CANCELED') AND due_at IS NOT NULL""", Tuple.class)
                .setParameter("id", runId).setParameter("previous", attempt - 1).getResultList();
        Map<String, String> due = new HashMap<>();
        for (Tuple t : rows) {
            due.put(t.get("step_path", String.class), SqlTimes.instant(t.get("due_at")).toString());
        }
        return due;
    }

    private JsonNode read(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON does not read", e);
        }
    }

}
