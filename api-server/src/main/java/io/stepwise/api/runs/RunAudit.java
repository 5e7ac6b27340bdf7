package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.UUID;

/** The run's audit trail ({@code GET /runs/{id}/events}): one row per operator action. Call inside a transaction. */
@ApplicationScoped
public class RunAudit {
    public enum Kind { LAUNCHED, SIGNALED, CANCELED, RESUMED, REPLAYED }

    private final EntityManager em;

    public RunAudit(EntityManager em) {
        this.em = em;
    }

    public void record(UUID runId, Kind kind, String actor, JsonNode details) {
        em.createNativeQuery("INSERT INTO run_events (run_id, kind, actor, details) VALUES (:run, :kind, :actor, "
                        + "CAST(:details AS jsonb))")
                .setParameter("run", runId).setParameter("kind", kind.name()).setParameter("actor", actor)
                .setParameter("details", details == null ? null : details.toString()).executeUpdate();
    }
}
