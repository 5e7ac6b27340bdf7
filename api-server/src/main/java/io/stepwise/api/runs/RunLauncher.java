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
import jakarta.persistence.Tuple;

import java.util.List;
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
            Target target = target("d.id = :key", original.definitionId,
                    version == Version.ORIGINAL ? original.versionId : null);
            JsonNode given = overlay(secretInputs.join(StoredJson.decode(original.inputs), original.secretInputs), inputs);
            Launched created = createRun(target, given, null, actor, original.id);
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
        Target target = target("d.ref = :key", ref, null);
        if (executionKey != null) {
            Optional<UUID> existing = runByKey(target.definitionId(), executionKey);
            if (existing.isPresent()) {
                return new Launched(existing.get(), false);
            }
        }
        return createRun(target, inputs, executionKey, actor, null);
    }

    /**
     * What a new run needs of its workflow, in one query of two short rows: the workflow and the
     * version the run takes ({@code pinned}, or the current one). Archived, no version that loads
     * or not found answer as {@link #launchableVersion} does ({@link #refuseUnlaunchable}). The version's stored definition is
     * read only when {@link PinnedDefinitions} has not parsed it yet.
     */
    private Target target(String where, Object key, UUID pinned) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT d.id, d.ref, d.status, d.load_error, v.id AS version_id, v.seq
                        FROM definitions d
                        LEFT JOIN definition_versions v ON v.id = COALESCE(CAST(:pinned AS uuid), d.current_version_id)
                        WHERE\s""" + where, Tuple.class)
                .setParameter("key", key).setParameter("pinned", pinned).getResultList();
        if (rows.isEmpty()) {
            throw new ApiException.NotFound("no workflow " + key);
        }
        Tuple row = rows.get(0);
        String ref = row.get("ref", String.class);
        UUID versionId = row.get("version_id", UUID.class);
        refuseUnlaunchable(ref, row.get("status", String.class), versionId, row.get("load_error", String.class));
        int seq = row.get("seq", Number.class).intValue();
        return new Target(row.get("id", UUID.class), ref, versionId, seq, definitions.of(versionId, seq));
    }

    /** A new run's workflow and version, parsed. */
    private record Target(UUID definitionId, String ref, UUID versionId, int seq, WorkflowDefinition definition) {
    }

    private Optional<UUID> runByKey(UUID definitionId, String executionKey) {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery("SELECT id FROM runs WHERE definition_id = :d AND execution_key = :k")
                .setParameter("d", definitionId).setParameter("k", executionKey).getResultList();
        return ids.stream().findFirst();
    }

    /** The version a new run takes: the current one, or {@code pinned}; archived or unloadable answers 409. */
    static DefinitionVersionEntity launchableVersion(DefinitionEntity definition, UUID pinned) {
        UUID versionId = pinned != null ? pinned : definition.currentVersionId;
        refuseUnlaunchable(definition.ref, definition.status, versionId, definition.loadError);
        return DefinitionVersionEntity.findById(versionId);
    }

    /** The 409s of a workflow no new run can take: archived, or no version that loads. */
    private static void refuseUnlaunchable(String ref, String status, UUID versionId, String loadError) {
        if (DefinitionEntity.ARCHIVED.equals(status)) {
            throw new ApiException.Conflict("workflow " + ref + " is archived; new runs can't start");
        }
        if (versionId == null) {
            throw new ApiException.Conflict("workflow " + ref + " has no version that loads: " + loadError);
        }
    }

    /**
     * Inserts the run and its LAUNCHED audit row with plain statements: no entity is loaded or
     * flushed on the launch path (issue 14's profile had Hibernate's flush and the version's
     * stored text as the largest part of a launch).
     */
    private Launched createRun(Target target, JsonNode inputs, String executionKey, String actor, UUID replayOf) {
        String ref = target.ref();
        WorkflowDefinition def = target.definition();
        InputValidator.Result checked = InputValidator.validate(def, inputs);
        if (!checked.valid()) {
            throw new ApiException.BadRequest("the inputs do not match the workflow's inputs",
                    checked.violations().stream().map(v -> Problem.Error.ofField(v.path(), v.message())).toList());
        }
        // one run per (workflow, key): concurrent launches with one key serialize here
        if (executionKey != null) {
            lock(target.definitionId() + "/" + executionKey);
            Optional<UUID> existing = runByKey(target.definitionId(), executionKey);
            if (existing.isPresent()) {
                return new Launched(existing.get(), false);
            }
        }
        if (def.concurrencyLimit() != null) {
            // launches of one workflow serialize on its lock, so the count below can't be outrun
            lock("stepwise-limit:" + target.definitionId());
            long active = ((Number) em.createNativeQuery("SELECT count(*) FROM runs WHERE definition_id = :d "
                    + "AND status IN ('PENDING', 'RUNNING', 'WAITING')").setParameter("d", target.definitionId())
                    .getSingleResult()).longValue();
            if (active >= def.concurrencyLimit()) {
                throw new ApiException.LimitReached("workflow " + ref + " allows " + def.concurrencyLimit()
                        + " runs at a time and " + active + " are not finished; try again when one ends");
            }
        }
        UUID runId = UUID.randomUUID();
        SecretInputs.Stored stored = secretInputs.split(def.secretInputs(), checked.values());
        em.createNativeQuery("""
                        INSERT INTO runs (id, definition_id, version_id, workflow_ref, status, attempt, execution_key,
                                          inputs, secret_inputs, inputs_redacted, replay_of, created_by)
                        VALUES (:id, :definition, :version, :ref, 'PENDING', 1, :key, CAST(:inputs AS jsonb), :sealed,
                                CAST(:redacted AS jsonb), :replayOf, :actor)""")
                .setParameter("id", runId).setParameter("definition", target.definitionId())
                .setParameter("version", target.versionId()).setParameter("ref", ref).setParameter("key", executionKey)
                .setParameter("inputs", text(StoredJson.encode(stored.clear()))).setParameter("sealed", stored.sealed())
                .setParameter("redacted", text(StoredJson.encode(Redactor.forRun(def, checked.values())
                        .redactInputs(checked.values()))))
                .setParameter("replayOf", replayOf).setParameter("actor", actor).executeUpdate();
        ObjectNode details = json.createObjectNode().put("version", target.seq()).put("executionKey", executionKey);
        if (replayOf != null) {
            details.put("replayOf", replayOf.toString());
        }
        audit.record(runId, RunAudit.Kind.LAUNCHED, actor, details);
        metrics.counter("stepwise.runs.launched", "workflow", ref).increment();
        return new Launched(runId, true, new RunInput(runId.toString(), ref, target.versionId().toString(),
                checked.values(), 1, Map.of()));
    }

    private String text(JsonNode value) {
        return value == null ? null : value.toString();
    }

    private void lock(String key) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:k))").setParameter("k", key).getSingleResult();
    }
}
