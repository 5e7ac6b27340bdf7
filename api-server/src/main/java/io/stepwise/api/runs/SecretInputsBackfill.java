package io.stepwise.api.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.stepwise.bootstrap.persistence.StoredJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.jboss.logging.Logger;

import io.stepwise.core.redact.Redactor;

import java.util.ArrayList;
import java.util.Set;
import java.util.List;
import java.util.UUID;

/**
 * Runs stored before secrets were sealed hold their secret inputs' raw values in {@code runs.inputs}.
 * At start, and in batches, each such row gets the split the launch now makes (docs/security.md):
 * {@code [REDACTED]} in {@code inputs}, the raw values sealed in {@code secret_inputs}.
 */
@ApplicationScoped
public class SecretInputsBackfill {
    private static final Logger LOG = Logger.getLogger(SecretInputsBackfill.class);
    private static final int BATCH = 500;

    private final EntityManager em;
    private final ObjectMapper json;
    private final SecretInputs secrets;

    public SecretInputsBackfill(EntityManager em, ObjectMapper json, SecretInputs secrets) {
        this.em = em;
        this.json = json;
        this.secrets = secrets;
    }

    void onStart(@Observes StartupEvent event) {
        int sealed = run();
        if (sealed > 0) {
            LOG.infof("secret_inputs_sealed runs=%d", sealed);
        }
    }

    /** Seals every stored run's raw secret inputs; answers how many runs it changed. */
    public int run() {
        int total = 0;
        UUID after = new UUID(0, 0);
        while (true) {
            UUID from = after;
            List<Tuple> rows = QuarkusTransaction.requiringNew().call(() -> batch(from));
            if (rows.isEmpty()) {
                return total;
            }
            for (Tuple row : rows) {
                total += QuarkusTransaction.requiringNew().call(() -> seal(row));
            }
            after = rows.get(rows.size() - 1).get("id", UUID.class);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Tuple> batch(UUID after) {
        return em.createNativeQuery("""
                        SELECT r.id, r.inputs::text AS inputs, (v.definition->'inputs')::text AS schemas
                        FROM runs r JOIN definition_versions v ON v.id = r.version_id
                        WHERE r.secret_inputs IS NULL AND r.inputs IS NOT NULL AND r.id > :after
                          AND jsonb_path_exists(v.definition->'inputs', '$.* ? (@.secret == true)')
                        ORDER BY r.id LIMIT :n""", Tuple.class)
                .setParameter("after", after).setParameter("n", BATCH).getResultList();
    }

    private int seal(Tuple row) {
        try {
            JsonNode inputs = StoredJson.decode(json.readTree(row.get("inputs", String.class)));
            List<String> names = new ArrayList<>();
            json.readTree(row.get("schemas", String.class)).fields().forEachRemaining(e -> {
                if (e.getValue().path("secret").asBoolean(false)) {
                    names.add(e.getKey());
                }
            });
            SecretInputs.Stored stored = secrets.split(names, inputs);
            if (stored.sealed() == null) {
                return 0;
            }
            UUID id = row.get("id", UUID.class);
            int changed = em.createNativeQuery("UPDATE runs SET inputs = CAST(:inputs AS jsonb), secret_inputs = :sealed "
                            + "WHERE id = :id AND secret_inputs IS NULL")
                    .setParameter("inputs", json.writeValueAsString(StoredJson.encode(stored.clear())))
                    .setParameter("sealed", stored.sealed()).setParameter("id", id)
                    .executeUpdate();
            if (changed == 1) {
                redactWritten(id, Redactor.of(Set.copyOf(names), inputs));
            }
            return changed;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored inputs of run " + row.get("id") + " do not read as JSON", e);
        }
    }

    /**
     * What the interpreter of that time wrote in clear: the run's output and error, its steps'
     * outputs (the raw output sealed for a resume) and errors, its waits' correlation keys (found
     * by digest from now on) and its audit trail, redacted as the interpreter now writes them.
     * Only what holds a secret is written again.
     */
    private void redactWritten(UUID run, Redactor redactor) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        List<Tuple> runRow = em.createNativeQuery("SELECT output::text AS output, error::text AS error FROM runs "
                + "WHERE id = :id", Tuple.class).setParameter("id", run).getResultList();
        for (Tuple t : runRow) {
            String output = t.get("output", String.class);
            String error = t.get("error", String.class);
            String shownOutput = redacted(output, redactor);
            String shownError = redacted(error, redactor);
            if (shownOutput != null || shownError != null) {
                em.createNativeQuery("UPDATE runs SET output = CAST(:o AS jsonb), error = CAST(:e AS jsonb) WHERE id = :id")
                        .setParameter("o", shownOutput != null ? shownOutput : output)
                        .setParameter("e", shownError != null ? shownError : error).setParameter("id", run)
                        .executeUpdate();
            }
        }
        @SuppressWarnings("unchecked")
        List<Tuple> steps = em.createNativeQuery("SELECT path, attempt, output::text AS output, error::text AS error "
                + "FROM steps WHERE run_id = :id AND output_sealed IS NULL", Tuple.class)
                .setParameter("id", run).getResultList();
        for (Tuple t : steps) {
            String output = t.get("output", String.class);
            String error = t.get("error", String.class);
            String shownOutput = redacted(output, redactor);
            String shownError = redacted(error, redactor);
            if (shownOutput == null && shownError == null) {
                continue;
            }
            em.createNativeQuery("UPDATE steps SET output = CAST(:o AS jsonb), error = CAST(:e AS jsonb), "
                            + "output_sealed = :sealed WHERE run_id = :id AND path = :path AND attempt = :attempt")
                    .setParameter("o", shownOutput != null ? shownOutput : output)
                    .setParameter("e", shownError != null ? shownError : error)
                    // the raw output, as the projection seals it, for a resume to hand on
                    .setParameter("sealed", shownOutput == null ? null : secrets.seal(output))
                    .setParameter("id", run).setParameter("path", t.get("path", String.class))
                    .setParameter("attempt", ((Number) t.get("attempt")).intValue()).executeUpdate();
        }
        @SuppressWarnings("unchecked")
        List<Tuple> waits = em.createNativeQuery("SELECT step_path, attempt, correlation_key FROM waits WHERE run_id = :id "
                + "AND correlation_key IS NOT NULL AND correlation_key_digest IS NULL", Tuple.class)
                .setParameter("id", run).getResultList();
        for (Tuple t : waits) {
            String key = StoredJson.decode(t.get("correlation_key", String.class));
            String shown = redactor.redact(key);
            if (!shown.equals(key)) {
                em.createNativeQuery("UPDATE waits SET correlation_key = :k, correlation_key_digest = :d "
                                + "WHERE run_id = :id AND step_path = :path AND attempt = :attempt")
                        .setParameter("k", StoredJson.encode(shown)).setParameter("d", secrets.digest(key))
                        .setParameter("id", run).setParameter("path", t.get("step_path", String.class))
                        .setParameter("attempt", ((Number) t.get("attempt")).intValue()).executeUpdate();
            }
        }
        @SuppressWarnings("unchecked")
        List<Tuple> events = em.createNativeQuery("SELECT id, details::text AS details FROM run_events WHERE run_id = :id "
                + "AND details IS NOT NULL", Tuple.class).setParameter("id", run).getResultList();
        for (Tuple t : events) {
            String shown = redacted(t.get("details", String.class), redactor);
            if (shown != null) {
                em.createNativeQuery("UPDATE run_events SET details = CAST(:d AS jsonb) WHERE id = :e")
                        .setParameter("d", shown).setParameter("e", ((Number) t.get("id")).longValue()).executeUpdate();
            }
        }
    }

    /** A stored JSON text with the secrets cut out, or null when it holds none (or is null). */
    private String redacted(String stored, Redactor redactor) throws JsonProcessingException {
        if (stored == null) {
            return null;
        }
        JsonNode raw = StoredJson.decode(json.readTree(stored));
        JsonNode shown = redactor.redact(raw);
        return shown.equals(raw) ? null : json.writeValueAsString(StoredJson.encode(shown));
    }
}
