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

import java.util.ArrayList;
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
            return em.createNativeQuery("UPDATE runs SET inputs = CAST(:inputs AS jsonb), secret_inputs = :sealed "
                            + "WHERE id = :id AND secret_inputs IS NULL")
                    .setParameter("inputs", json.writeValueAsString(StoredJson.encode(stored.clear())))
                    .setParameter("sealed", stored.sealed()).setParameter("id", row.get("id", UUID.class))
                    .executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored inputs of run " + row.get("id") + " do not read as JSON", e);
        }
    }
}
