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

    public EventService(EntityManager em, RunService runs) {
        this.em = em;
        this.runs = runs;
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
