package io.stepwise.api.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.crypto.Keyring;
import io.stepwise.core.redact.Redactor;
import io.stepwise.bootstrap.persistence.StoredJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A run's inputs as PostgreSQL holds them (docs/security.md): {@code runs.inputs} with
 * {@value Redactor#REDACTED} where a secret input was, and the secret inputs' raw values sealed
 * with the keyring in {@code runs.secret_inputs}. Replay, resume and the read-time redactor join them.
 */
@ApplicationScoped
public class SecretInputs {
    private final Keyring keyring;
    private final ObjectMapper json;
    private final EntityManager em;

    public SecretInputs(Keyring keyring, ObjectMapper json, EntityManager em) {
        this.em = em;
        this.keyring = keyring;
        this.json = json;
    }

    /** Inputs split for storage: the clear part, and the sealed secret part (null when there is none). */
    public record Stored(JsonNode clear, String sealed) {
    }

    public Stored split(Collection<String> secretNames, JsonNode inputs) {
        if (inputs == null || !inputs.isObject() || secretNames.isEmpty()) {
            return new Stored(inputs, null);
        }
        ObjectNode clear = ((ObjectNode) inputs).deepCopy();
        ObjectNode secret = json.createObjectNode();
        for (String name : secretNames) {
            JsonNode value = inputs.get(name);
            if (value != null && !value.isNull()) {
                secret.set(name, value);
                clear.put(name, Redactor.REDACTED);
            }
        }
        if (secret.isEmpty()) {
            return new Stored(inputs, null);
        }
        try {
            return new Stored(clear, keyring.sealText(json.writeValueAsString(secret)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inputs do not write as JSON", e);
        }
    }

    /**
     * The redactor of a run as stored: secret input names from the version's input schemas, their
     * values from the sealed part. The API's second pass over what it shows (API.md, "The run document").
     */
    public Redactor redactor(JsonNode storedInputs, String sealed, JsonNode inputSchemas) {
        Set<String> secret = new HashSet<>();
        if (inputSchemas != null && inputSchemas.isObject()) {
            inputSchemas.fields().forEachRemaining(e -> {
                if (e.getValue().path("secret").asBoolean(false)) {
                    secret.add(e.getKey());
                }
            });
        }
        return secret.isEmpty() ? Redactor.none() : Redactor.of(secret, join(storedInputs, sealed));
    }

    /** The redactor of one stored run, for what is written about it (the audit trail). */
    public Redactor redactorOf(UUID runId) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        SELECT r.inputs::text AS inputs, r.secret_inputs, (v.definition->'inputs')::text AS schemas
                        FROM runs r JOIN definition_versions v ON v.id = r.version_id WHERE r.id = :id""", Tuple.class)
                .setParameter("id", runId).getResultList();
        if (rows.isEmpty()) {
            return Redactor.none();
        }
        Tuple row = rows.get(0);
        try {
            String inputs = row.get("inputs", String.class);
            String schemas = row.get("schemas", String.class);
            return redactor(inputs == null ? null : StoredJson.decode(json.readTree(inputs)),
                    row.get("secret_inputs", String.class), schemas == null ? null : json.readTree(schemas));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored inputs do not read as JSON", e);
        }
    }

    /** A stored text sealed with the keyring's newest key. */
    public String seal(String text) {
        return keyring.sealText(text);
    }

    /** The keyed digest a redacted correlation key is found by (the worker's projection stores the same). */
    public String digest(String text) {
        return keyring.digest(text);
    }

    /** The raw inputs: the clear part with the sealed secret values put back. */
    public JsonNode join(JsonNode clear, String sealed) {
        if (sealed == null || clear == null || !clear.isObject()) {
            return clear;
        }
        try {
            ObjectNode raw = ((ObjectNode) clear).deepCopy();
            json.readTree(keyring.openText(sealed)).fields().forEachRemaining(e -> raw.set(e.getKey(), e.getValue()));
            return raw;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sealed inputs do not read as JSON", e);
        }
    }
}
