package io.stepwise.api.runs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stepwise.bootstrap.temporal.TaskQueuePollers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What Temporal last said about who polls a queue, kept in {@code queue_pollers}: the reconciler
 * stamps it on every pass (off the request path), the stuck reason reads it. An observation older
 * than the freshness asked for counts as no knowledge.
 */
@ApplicationScoped
public class QueuePollers {
    private final EntityManager em;

    public QueuePollers(EntityManager em) {
        this.em = em;
    }

    /** Records what Temporal answered; an empty answer (it can't tell, or did not answer) is stored as unknown. */
    public void record(String queue, Optional<List<TaskQueuePollers.Poller>> seen) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        INSERT INTO queue_pollers (queue, pollers, observed_at) VALUES (:queue, :pollers, now())
                        ON CONFLICT (queue) DO UPDATE SET pollers = EXCLUDED.pollers, observed_at = EXCLUDED.observed_at""")
                .setParameter("queue", queue).setParameter("pollers", seen.map(List::size).orElse(null))
                .executeUpdate());
    }

    /**
     * Whether a worker is live on the queue, in one query: a lease heartbeat within {@code ttl}, or
     * Temporal reporting a poller at a look within {@code ttl}. Joins the caller's transaction.
     */
    public boolean anyLive(String queue, Duration ttl) {
        return QuarkusTransaction.joiningExisting().call(() -> (Boolean) em.createNativeQuery("""
                        SELECT EXISTS (SELECT 1 FROM queue_leases WHERE queue = :queue
                                         AND heartbeat_at > now() - make_interval(secs => :ttl))
                            OR EXISTS (SELECT 1 FROM queue_pollers WHERE queue = :queue AND pollers > 0
                                         AND observed_at > now() - make_interval(secs => :ttl))""")
                .setParameter("queue", queue).setParameter("ttl", (double) ttl.toMillis() / 1000)
                .getSingleResult());
    }
}
