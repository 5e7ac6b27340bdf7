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

    /** Whether Temporal reported at least one poller on the queue within {@code freshness}; call inside a transaction. */
    public boolean seen(String queue, Duration freshness) {
        List<?> rows = em.createNativeQuery("""
                        SELECT 1 FROM queue_pollers WHERE queue = :queue AND pollers > 0
                          AND observed_at > now() - make_interval(secs => :fresh)""")
                .setParameter("queue", queue).setParameter("fresh", (double) freshness.toMillis() / 1000)
                .getResultList();
        return !rows.isEmpty();
    }
}
