package io.stepwise.api.definitions;

import io.stepwise.core.packs.PackScanner;
import io.stepwise.api.config.PacksConfig;
import io.stepwise.api.error.ApiException;
import io.stepwise.core.dsl.WorkflowParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Brings the store in line with the packs root (API.md, "Resync"). One transaction per resync, so
 * a failure applies nothing; serialized by a transaction-scoped Postgres advisory lock, so that
 * it holds across api-server replicas too: the second resync waits, then sees the first's result.
 */
@ApplicationScoped
public class ResyncService {
    private static final Logger LOG = Logger.getLogger(ResyncService.class);
    /** Advisory lock key: "stepwise resync". */
    static final long LOCK_KEY = 0x5354_4550_5253_594EL;

    private final PacksConfig config;
    private final DefinitionStore store;
    private final EntityManager em;
    private final PackScanner scanner = new PackScanner();
    private final ResyncPlanner planner;
    private final MeterRegistry metrics;

    public ResyncService(PacksConfig config, DefinitionStore store, EntityManager em, WorkflowParser parser,
                         MeterRegistry metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.em = em;
        this.planner = new ResyncPlanner(parser);
    }

    @Transactional
    public ResyncReport resync(boolean dryRun) {
        long start = System.nanoTime();
        em.createNativeQuery("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").getSingleResult();
        long locked = System.nanoTime();
        PackScanner.Scan scan;
        try {
            scan = scanner.scan(Path.of(config.dir()));
        } catch (IOException e) {
            throw new ApiException.Unavailable("cannot read the packs root " + config.dir() + ": " + e.getMessage());
        }
        long scanned = System.nanoTime();
        ResyncPlan plan = planner.plan(scan, store.snapshot());
        long planned = System.nanoTime();
        if (!dryRun) {
            store.apply(plan);
            store.applyPacks(plan.packs());
            em.flush();
        }
        long applied = System.nanoTime();
        ResyncReport report = ResyncReport.of(plan, dryRun);
        ResyncReport.Summary s = report.summary();
        LOG.infof("resync dry_run=%s scanned=%d new=%d updated=%d unchanged=%d archived=%d restored=%d errors=%d "
                        + "lock_ms=%d scan_ms=%d plan_ms=%d write_ms=%d",
                dryRun, s.scanned(), s.newCount(), s.updated(), s.unchanged(), s.archived(), s.restored(), s.errors(),
                ms(locked - start), ms(scanned - locked), ms(planned - scanned), ms(applied - planned));
        metrics.timer("stepwise.resync.duration", "dry_run", String.valueOf(dryRun))
                .record(applied - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (!dryRun) {
            count("new", s.newCount());
            count("updated", s.updated());
            count("unchanged", s.unchanged());
            count("archived", s.archived());
            count("restored", s.restored());
            count("errors", s.errors());
        }
        return report;
    }

    private void count(String change, long n) {
        metrics.counter("stepwise.resync.definitions", "change", change).increment(n);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.resyncOnStart()) {
            return;
        }
        try {
            resync(false);
        } catch (RuntimeException e) {
            // the server still starts; the operator sees the reason and can resync again
            LOG.errorf("resync_on_start_failed packs_dir=%s reason=%s", config.dir(), e.getMessage());
        }
    }
}
