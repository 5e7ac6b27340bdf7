package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.core.runtime.EventSignal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fans an event out to the runs waiting on it, found through the waits projection: a wait with a
 * correlation key takes only events with that key; a wait without one takes any event of its name.
 */
@ApplicationScoped
public class EventService {
    private static final Logger LOG = Logger.getLogger(EventService.class);
    private final EntityManager em;
    private final RunService runs;
    private final io.stepwise.core.dsl.WorkflowParser parser;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public EventService(EntityManager em, RunService runs, io.stepwise.core.dsl.WorkflowParser parser,
                        com.fasterxml.jackson.databind.ObjectMapper json) {
        this.em = em;
        this.runs = runs;
        this.parser = parser;
        this.json = json;
    }

    /** What an event did: the runs it signaled and the runs its triggers launched. */
    public record Delivery(List<String> signaled, List<String> launched) {
    }

    /**
     * Signals the waiting runs and launches every workflow whose trigger names the event. With an
     * event {@code id}, the same id again does nothing and answers what the first delivery did.
     */
    public Delivery handle(String id, String name, String correlationKey, JsonNode payload, String actor) {
        if (id != null) {
            @SuppressWarnings("unchecked")
            List<Object[]> seen = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "SELECT signaled::text, launched::text FROM processed_events WHERE event_id = :id")
                    .setParameter("id", id).getResultList());
            if (!seen.isEmpty()) {
                return new Delivery(strings(seen.get(0)[0]), strings(seen.get(0)[1]));
            }
        }
        List<String> signaled = deliver(name, correlationKey, payload, actor);
        List<String> launched = launchTriggered(id, name, correlationKey, payload, actor);
        if (id != null) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT INTO processed_events "
                            + "(event_id, name, signaled, launched) VALUES (:id, :name, CAST(:s AS jsonb), CAST(:l AS jsonb)) "
                            + "ON CONFLICT (event_id) DO NOTHING")
                    .setParameter("id", id).setParameter("name", name)
                    .setParameter("s", json.valueToTree(signaled).toString())
                    .setParameter("l", json.valueToTree(launched).toString()).executeUpdate());
        }
        return new Delivery(signaled, launched);
    }

    private List<String> launchTriggered(String id, String name, String correlationKey, JsonNode payload, String actor) {
        @SuppressWarnings("unchecked")
        List<Object[]> candidates = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        SELECT d.ref, v.definition::text FROM definitions d JOIN definition_versions v ON v.id = d.current_version_id
                        WHERE d.status = 'ACTIVE' AND v.definition->'triggers' @> jsonb_build_array(jsonb_build_object('event', CAST(:name AS text)))
                        ORDER BY d.ref""")
                .setParameter("name", name).getResultList());
        var event = json.createObjectNode().put("name", name).put("correlationKey", correlationKey).put("id", id);
        event.set("payload", payload == null ? json.nullNode() : payload);
        var variables = io.stepwise.core.expr.Variables.of(java.util.Map.of("event", event));
        List<String> launched = new ArrayList<>();
        for (Object[] row : candidates) {
            String ref = (String) row[0];
            try {
                var definition = parser.fromStoredJson(json.readTree((String) row[1])).definition();
                for (var trigger : definition.triggers()) {
                    if (!trigger.event().equals(name)) {
                        continue;
                    }
                    var inputs = json.createObjectNode();
                    for (var entry : trigger.inputs().entrySet()) {
                        inputs.set(entry.getKey(), entry.getValue().evaluate(variables));
                    }
                    RunService.Launched run = runs.launch(ref, inputs, id == null ? null : "event:" + id, actor);
                    if (run.created()) {
                        launched.add(run.runId().toString());
                    }
                }
            } catch (Exception e) {
                // one workflow whose trigger can't launch (bad inputs, limit reached) must not stop the others
                LOG.warnf("event_trigger_skipped workflow=%s event=%s reason=%s", ref, name, e.getMessage());
            }
        }
        return launched;
    }

    private List<String> strings(Object text) {
        try {
            List<String> out = new ArrayList<>();
            json.readTree(text.toString()).forEach(n -> out.add(n.asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> deliver(String name, String correlationKey, JsonNode payload, String actor) {
        @SuppressWarnings("unchecked")
        List<Object> waiting = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        SELECT DISTINCT w.run_id FROM waits w JOIN runs r ON r.id = w.run_id AND r.attempt = w.attempt
                        WHERE w.status = 'WAITING' AND w.kind = 'EVENT' AND w.event = :name
                          AND (w.correlation_key IS NULL OR w.correlation_key = :key)
                          AND r.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED')""")
                .setParameter("name", name).setParameter("key", correlationKey).getResultList());
        List<String> signaled = new ArrayList<>();
        for (Object id : waiting) {
            UUID runId = (UUID) id;
            try {
                runs.signal(runId, new EventSignal(name, correlationKey, payload), actor);
                signaled.add(runId.toString());
            } catch (RuntimeException e) {
                // one run that just finished must not stop the others from getting the event
                LOG.warnf("event_signal_skipped run_id=%s event=%s reason=%s", runId, name, e.getMessage());
            }
        }
        return signaled;
    }
}
