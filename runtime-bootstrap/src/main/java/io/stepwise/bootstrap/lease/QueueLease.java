package io.stepwise.bootstrap.lease;

import io.stepwise.bootstrap.persistence.SqlTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The queue-ownership lease in Postgres: one row per worker instance holding a task queue. An
 * instance may claim a queue when no live lease (heartbeat younger than the TTL) belongs to
 * another owner; replicas of the same owner join. Claims on one queue are serialized by a
 * transaction-scoped advisory lock, so two owners starting at once can't both win.
 */
@ApplicationScoped
public class QueueLease {

    /** A live lease of another owner: who holds the queue. */
    public record Holder(String queue, String owner, String instance, OffsetDateTime heartbeatAt) {
    }

    /** A lease row, for {@code GET /api/v1/queues}. */
    public record Lease(String queue, String owner, String instance, String build, OffsetDateTime startedAt,
                        OffsetDateTime heartbeatAt) {

        /** True when the holder heart-beat within the lease TTL: a live worker. */
        public boolean live(Duration ttl) {
            return heartbeatAt != null && heartbeatAt.isAfter(OffsetDateTime.now().minus(ttl));
        }
    }

    private final EntityManager em;

    public QueueLease(EntityManager em) {
        this.em = em;
    }

    /** Claims the queue for this instance, or answers who holds it. */
    @Transactional
    public Optional<Holder> claim(String queue, String owner, String instance, String build, Duration ttl) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:q))").setParameter("q", "stepwise-queue:" + queue)
                .getSingleResult();
        @SuppressWarnings("unchecked")
        List<Object[]> others = em.createNativeQuery("""
                        SELECT owner, instance, heartbeat_at FROM queue_leases
                        WHERE queue = :queue AND owner <> :owner AND heartbeat_at > now() - make_interval(secs => :ttl)
                        ORDER BY heartbeat_at DESC""")
                .setParameter("queue", queue).setParameter("owner", owner).setParameter("ttl", (double) ttl.toMillis() / 1000)
                .getResultList();
        if (!others.isEmpty()) {
            Object[] h = others.get(0);
            return Optional.of(new Holder(queue, (String) h[0], (String) h[1], SqlTimes.offset(h[2])));
        }
        // leases of other owners that stopped heart-beating are dead: take the queue over
        em.createNativeQuery("DELETE FROM queue_leases WHERE queue = :queue AND owner <> :owner")
                .setParameter("queue", queue).setParameter("owner", owner).executeUpdate();
        em.createNativeQuery("""
                        INSERT INTO queue_leases (queue, instance, owner, build, started_at, heartbeat_at)
                        VALUES (:queue, :instance, :owner, :build, now(), now())
                        ON CONFLICT (queue, instance) DO UPDATE SET owner = excluded.owner, build = excluded.build,
                            started_at = now(), heartbeat_at = now()""")
                .setParameter("queue", queue).setParameter("instance", instance).setParameter("owner", owner)
                .setParameter("build", build).executeUpdate();
        return Optional.empty();
    }

    /** Renews this instance's lease; false when the row is gone (taken over after it expired). */
    @Transactional
    public boolean heartbeat(String queue, String instance) {
        return em.createNativeQuery("UPDATE queue_leases SET heartbeat_at = now() WHERE queue = :queue AND instance = :instance")
                .setParameter("queue", queue).setParameter("instance", instance).executeUpdate() == 1;
    }

    @Transactional
    public void release(String queue, String instance) {
        em.createNativeQuery("DELETE FROM queue_leases WHERE queue = :queue AND instance = :instance")
                .setParameter("queue", queue).setParameter("instance", instance).executeUpdate();
    }

    @Transactional
    public List<Lease> all() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                "SELECT queue, owner, instance, build, started_at, heartbeat_at FROM queue_leases ORDER BY queue, instance")
                .getResultList();
        return rows.stream().map(r -> new Lease((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                SqlTimes.offset(r[4]), SqlTimes.offset(r[5]))).toList();
    }
}
