package io.stepwise.api.runs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stepwise.bootstrap.config.ReconcilerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings the database and Temporal in line, every few seconds, on one api-server replica at a time
 * (a try-lock): PENDING runs whose start never happened (the server stopped after the commit,
 * Temporal was down) are started, and the fixed workflow id makes a second start harmless; runs
 * still active here whose execution closed without a final projection get the status Temporal
 * reports. Runs whose execution is gone stay as they are: their {@code stuck} says to resume.
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    static final long LOCK_KEY = 0x5354_4550_5245_434FL;

    private final EntityManager em;
    private final RunService runs;
    private final ReconcilerConfig config;
    private final TemporalGate gate;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private ScheduledExecutorService timer;

    public Reconciler(EntityManager em, RunService runs, ReconcilerConfig config, TemporalGate gate,
                      io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        this.em = em;
        this.runs = runs;
        this.config = config;
        this.gate = gate;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stepwise-reconciler");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::safePass, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void safePass() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warnf("reconciler_pass_failed reason=%s", e.getMessage());
        }
    }

    /** One pass; answers how many runs it started or settled. While Temporal is unreachable it does nothing. */
    public int pass() {
        if (gate.down()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        Optional<List<Object[]>> work = QuarkusTransaction.requiringNew().call(() -> {
            boolean mine = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")")
                    .getSingleResult();
            if (!mine) {
                return Optional.empty();
            }
            return Optional.of((List<Object[]>) em.createNativeQuery("""
                    SELECT id, started_in_temporal FROM runs
                    WHERE status IN ('PENDING', 'RUNNING', 'WAITING')
                      AND updated_at < now() - make_interval(secs => :grace)
                    ORDER BY updated_at LIMIT 100""")
                    .setParameter("grace", (double) config.grace().toMillis() / 1000).getResultList());
        });
        int acted = 0;
        for (Object[] row : work.orElse(List.of())) {
            if (gate.down()) {
                break; // the rest waits for the next pass, when Temporal may answer again
            }
            UUID id = (UUID) row[0];
            boolean started = (Boolean) row[1];
            if (!started) {
                if (runs.startExecution(id)) {
                    LOG.infof("reconciler_started run_id=%s", id);
                    metrics.counter("stepwise.reconciler.actions", "action", "started").increment();
                    acted++;
                }
            } else if (runs.settleClosedExecution(id)) {
                metrics.counter("stepwise.reconciler.actions", "action", "settled").increment();
                acted++;
            }
        }
        return acted;
    }
}
