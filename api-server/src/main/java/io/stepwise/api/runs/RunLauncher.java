package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
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
import io.stepwise.core.runtime.RunInput;
import io.stepwise.core.runtime.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Launch and replay: both make a new run. The run row is committed first and only then is Temporal
 * asked to start {@code stepwise-run-<runId>} (ARCHITECTURE.md, "A run, end to end"); if Temporal is
 * down the run stays PENDING and the reconciler starts it later. The fixed workflow id makes a
 * second start a no-op.
 */
@ApplicationScoped
public class RunLauncher {

    /**
     * A launch's outcome: the run, whether it was created now (201) or found by its key (200), and
     * {@code start}, what the new run's execution starts with (null when an existing run answered).
     */
    public record Launched(UUID runId, boolean created, RunInput start) {
        Launched(UUID runId, boolean created) {
            this(runId, created, null);
        }

    }

    public enum Version { CURRENT, ORIGINAL }

    private final PinnedDefinitions definitions;
    private final EntityManager em;
    private final ObjectMapper json;
    private final RunStarter starter;
    private final RunAudit audit;
    private final MeterRegistry metrics;
    private final SecretInputs secretInputs;

    public RunLauncher(PinnedDefinitions definitions, EntityManager em, ObjectMapper json, RunStarter starter, RunAudit audit,
                       MeterRegistry metrics, SecretInputs secretInputs) {
        this.secretInputs = secretInputs;
        this.definitions = definitions;
        this.em = em;
        this.json = json;
        this.starter = starter;
        this.audit = audit;
        this.metrics = metrics;
    }

    public Launched launch(String ref, JsonNode inputs, String executionKey, String actor) {
        Launched launched = QuarkusTransaction.requiringNew().call(() -> insertRun(ref, inputs, executionKey, actor));
        if (launched.created()) {
            starter.start(launched.runId(), launched.start());
        }
        return launched;
    }

    /**
     * A new run from scratch with the original run's stored raw inputs (secrets included) or the
     * inputs given, on the current version or the original one.
     */
    public Launched replay(UUID originalId, JsonNode inputs, Version version, String actor) {
        Launched launched = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity original = RunEntity.findById(originalId);
            if (original == null) {
                throw new ApiException.NotFound("no run " + originalId);
            }
            DefinitionEntity definition = DefinitionEntity.findById(original.definitionId);
            DefinitionVersionEntity pinned = launchableVersion(definition,
                    version == Version.ORIGINAL ? original.versionId : null);
            JsonNode given = overlay(secretInputs.join(StoredJson.decode(original.inputs), original.secretInputs), inputs);
            Launched created = createRun(definition, pinned, given, null, actor, original.id);
            audit.record(original.id, RunAudit.Kind.REPLAYED, actor,
                    json.createObjectNode().put("newRun", created.runId().toString()));
            return created;
        });
        starter.start(launched.runId(), launched.start());
        return launched;
    }

    /**
     * A replay's inputs: the stored raw ones, with each input the caller names replaced (null removes it).
     * A caller changes one value without knowing, or resending, the secrets it cannot read back.
     */
    static JsonNode overlay(JsonNode stored, JsonNode given) {
        if (given == null || given.isNull()) {
            return stored;
        }
        if (!given.isObject() || stored == null || !stored.isObject()) {
            return given;
        }
        ObjectNode merged = ((ObjectNode) stored).deepCopy();
        given.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        });
        return merged;
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
    static DefinitionVersionEntity launchableVersion(DefinitionEntity definition, UUID pinned) {
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
        WorkflowDefinition def = definitions.of(version);
        InputValidator.Result checked = InputValidator.validate(def, inputs);
        if (!checked.valid()) {
            throw new ApiException.BadRequest("the inputs do not match the workflow's inputs",
                    checked.violations().stream().map(v -> Problem.Error.ofField(v.path(), v.message())).toList());
        }
        // one run per (workflow, key): concurrent launches with one key serialize here
        if (executionKey != null) {
            lock(definition.id + "/" + executionKey);
            Optional<RunEntity> existing = RunEntity.findByKey(definition.id, executionKey);
            if (existing.isPresent()) {
                return new Launched(existing.get().id, false);
            }
        }
        if (def.concurrencyLimit() != null) {
            // launches of one workflow serialize on its lock, so the count below can't be outrun
            lock("stepwise-limit:" + definition.id);
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
        run.status = RunStatus.PENDING.name();
        run.attempt = 1;
        run.executionKey = executionKey;
        SecretInputs.Stored stored = secretInputs.split(def.secretInputs(), checked.values());
        run.inputs = StoredJson.encode(stored.clear());
        run.secretInputs = stored.sealed();
        run.inputsRedacted = StoredJson.encode(Redactor.forRun(def, checked.values()).redactInputs(checked.values()));
        run.replayOf = replayOf;
        run.createdBy = actor;
        run.createdAt = now;
        run.updatedAt = now;
        run.persist();
        ObjectNode details = json.createObjectNode().put("version", version.seq).put("executionKey", executionKey);
        if (replayOf != null) {
            details.put("replayOf", replayOf.toString());
        }
        audit.record(run.id, RunAudit.Kind.LAUNCHED, actor, details);
        metrics.counter("stepwise.runs.launched", "workflow", ref).increment();
        return new Launched(run.id, true, new RunInput(run.id.toString(), ref, version.id.toString(), checked.values(),
                1, Map.of()));
    }

    private void lock(String key) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:k))").setParameter("k", key).getSingleResult();
    }
}
