package io.stepwise.api.runs;

import io.stepwise.core.crypto.Keyring;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.api.config.EventsConfig;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.expr.Variables;
import io.stepwise.core.runtime.EventSignal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fans an event out to the runs waiting on it, found through the waits projection (a wait with a
 * correlation key takes only events with that key; a wait without one takes any event of its
 * name), and launches every workflow whose trigger names it. With an event {@code id}, delivery is
 * at-least-once to every matching run and launch-once per trigger: the id is claimed by a unique
 * row, each run by an {@code event_deliveries} row claimed before its signal and removed when the
 * signal failed, so a retried POST reaches exactly the runs that missed it and two concurrent
 * duplicates signal a run once; triggered launches dedupe by the execution key {@code event:<id>}.
 * An event that matches more waiting runs than {@code stepwise.events.max-fan-out} is refused
 * whole (409) before anything is claimed, signaled or launched.
 */
@ApplicationScoped
public class EventService {
    private static final Logger LOG = Logger.getLogger(EventService.class);
    private final EntityManager em;
    private final RunSignaler signaler;
    private final RunLauncher launcher;
    private final WorkflowParser parser;
    private final ObjectMapper json;
    private final EventsConfig config;

    private final Keyring keyring;

    public EventService(EntityManager em, RunSignaler signaler, RunLauncher launcher, WorkflowParser parser,
                        ObjectMapper json, EventsConfig config, Keyring keyring) {
        this.keyring = keyring;
        this.config = config;
        this.em = em;
        this.signaler = signaler;
        this.launcher = launcher;
        this.parser = parser;
        this.json = json;
    }

    /**
     * What an event did: the runs it signaled and the runs its triggers launched. For an event with
     * an id these are everything that id has done so far, so a duplicate answers like the first.
     */
    public record Delivery(List<String> signaled, List<String> launched) {
    }

    public Delivery handle(String id, String name, String correlationKey, JsonNode payload, String actor) {
        List<UUID> waiting = waitingRuns(name, correlationKey);
        if (waiting.size() > config.maxFanOut()) {
            // refused whole, before the id is claimed: nothing is signaled, nothing launches
            LOG.warnf("event_refused event=%s matches=%d max_fan_out=%d", name, waiting.size(), config.maxFanOut());
            throw new ApiException.Conflict("event '" + name + "'" + (correlationKey == null ? ""
                    : " with correlation key '" + correlationKey + "'") + " matches " + waiting.size()
                    + " waiting runs; the limit is " + config.maxFanOut() + " (stepwise.events.max-fan-out)."
                    + " Nothing was signaled or launched; send events with correlation keys that reach fewer runs");
        }
        if (id != null) {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("INSERT INTO processed_events "
                            + "(event_id, name) VALUES (:id, :name) ON CONFLICT (event_id) DO NOTHING")
                    .setParameter("id", id).setParameter("name", name).executeUpdate());
        }
        List<String> signaled = deliver(waiting, id, name, correlationKey, payload, actor);
        List<String> launched = launchTriggered(id, name, correlationKey, payload, actor);
        if (id == null) {
            return new Delivery(signaled, launched);
        }
        List<String> everSignaled = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<UUID> runs = em.createNativeQuery("SELECT run_id FROM event_deliveries WHERE event_id = :id "
                    + "ORDER BY delivered_at, run_id", UUID.class).setParameter("id", id).getResultList();
            List<String> ids = runs.stream().map(UUID::toString).toList();
            em.createNativeQuery("UPDATE processed_events SET signaled = CAST(:s AS jsonb), launched = CAST(:l AS jsonb) "
                            + "WHERE event_id = :id")
                    .setParameter("s", json.valueToTree(ids).toString())
                    .setParameter("l", json.valueToTree(launched).toString()).setParameter("id", id).executeUpdate();
            return ids;
        });
        return new Delivery(everSignaled, launched);
    }

    /** The runs whose open EVENT wait takes this event, from the waits projection. */
    private List<UUID> waitingRuns(String name, String correlationKey) {
        @SuppressWarnings("unchecked")
        List<UUID> waiting = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        SELECT DISTINCT w.run_id FROM waits w JOIN runs r ON r.id = w.run_id AND r.attempt = w.attempt
                        WHERE w.status = 'WAITING' AND w.kind = 'EVENT' AND w.event = :name
                          AND (w.correlation_key IS NULL OR w.correlation_key = :key
                               OR w.correlation_key_digest = ANY(string_to_array(:digests, ' ')))
                          AND r.status IN ('PENDING', 'RUNNING', 'WAITING')""", UUID.class)
                .setParameter("name", StoredJson.encode(name)).setParameter("key", StoredJson.encode(correlationKey))
                // a key that held a secret is stored redacted, and found by its digest under any key of the ring
                .setParameter("digests", correlationKey == null ? "" : String.join(" ", keyring.digests(correlationKey)))
                .getResultList());
        return waiting;
    }

    private List<String> deliver(List<UUID> waiting, String id, String name, String correlationKey, JsonNode payload,
                                 String actor) {
        List<String> signaled = new ArrayList<>();
        for (UUID runId : waiting) {
            if (id != null && !claim(id, runId)) {
                continue; // delivered by an earlier POST of this id, or by a concurrent duplicate
            }
            try {
                // the run is found by a wait that takes this event, so its buffer never keeps it out
                signaler.signal(runId, new EventSignal(name, correlationKey, payload), actor, RunSignaler.BufferCheck.SEND);
                signaled.add(runId.toString());
            } catch (RuntimeException e) {
                // one run that can't take it now must not stop the others; a retry of this id reaches it
                if (id != null) {
                    unclaim(id, runId);
                }
                LOG.warnf("event_signal_skipped run_id=%s event=%s reason=%s", runId, name, e.getMessage());
            }
        }
        return signaled;
    }

    private boolean claim(String id, UUID runId) {
        return !QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("INSERT INTO event_deliveries "
                        + "(event_id, run_id) VALUES (:id, :run) ON CONFLICT DO NOTHING RETURNING run_id")
                .setParameter("id", id).setParameter("run", runId).getResultList()).isEmpty();
    }

    private void unclaim(String id, UUID runId) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "DELETE FROM event_deliveries WHERE event_id = :id AND run_id = :run")
                .setParameter("id", id).setParameter("run", runId).executeUpdate());
    }

    /** A workflow whose current version has a trigger on the event. */
    private record Candidate(String ref, String definition) {
        static Candidate of(Tuple t) {
            return new Candidate(t.get("ref", String.class), t.get("definition", String.class));
        }
    }

    private List<String> launchTriggered(String id, String name, String correlationKey, JsonNode payload, String actor) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        SELECT d.ref, v.definition::text AS definition
                        FROM definitions d JOIN definition_versions v ON v.id = d.current_version_id
                        WHERE d.status = 'ACTIVE' AND v.definition->'triggers' @> jsonb_build_array(jsonb_build_object('event', CAST(:name AS text)))
                        ORDER BY d.ref""", Tuple.class)
                .setParameter("name", name).getResultList());
        ObjectNode event = json.createObjectNode().put("name", name).put("correlationKey", correlationKey).put("id", id);
        event.set("payload", payload == null ? json.nullNode() : payload);
        Variables variables = Variables.of(Map.of("event", event));
        List<String> launched = new ArrayList<>();
        for (Candidate candidate : rows.stream().map(Candidate::of).toList()) {
            try {
                WorkflowDefinition definition = parser.fromStoredJson(json.readTree(candidate.definition())).definition();
                for (var trigger : definition.triggers()) {
                    if (!trigger.event().equals(name)) {
                        continue;
                    }
                    ObjectNode inputs = json.createObjectNode();
                    for (var entry : trigger.inputs().entrySet()) {
                        inputs.set(entry.getKey(), entry.getValue().evaluate(variables));
                    }
                    // with an id, the key makes the launch once-only; a run found by it is this event's run
                    RunLauncher.Launched run = launcher.launch(candidate.ref(), inputs, id == null ? null : "event:" + id,
                            actor);
                    if (run.created() || id != null) {
                        launched.add(run.runId().toString());
                    }
                }
            } catch (Exception e) {
                // one workflow whose trigger can't launch (bad inputs, limit reached) must not stop the others
                LOG.warnf("event_trigger_skipped workflow=%s event=%s reason=%s", candidate.ref(), name, e.getMessage());
            }
        }
        return launched;
    }
}
