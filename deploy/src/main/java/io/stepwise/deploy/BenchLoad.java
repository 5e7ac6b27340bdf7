package io.stepwise.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What both series of the e2e benchmark share: the clients' loop (same count, clients and pacing
 * for Stepwise and for the raw-Temporal baseline) and the figures each series prints.
 */
final class BenchLoad {

    /** How each client goes on after a launch. */
    enum Mode {
        /** launches the next run as soon as the last launch answered */
        FIRE,
        /** reads its run's document every 200 ms until it is terminal, then launches the next */
        POLL,
        /** launches with {@code ?wait=30s} and long-polls the run's document until it is terminal */
        WAIT;

        static Mode of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }

        boolean waits() {
            return this != FIRE;
        }
    }

    /** One client's turn: launches one run (and, in a waiting mode, waits for it). */
    interface Turn {
        /** Answers the launch's latency in nanoseconds, measured by the client. */
        long take() throws Exception;
    }

    /** The launch latencies (ns) and how long launching took. */
    record Launches(List<Long> latencyNanos, long wallNanos) {
    }

    private BenchLoad() {
    }

    /**
     * {@code count} turns from {@code clients} threads; with a rate (runs/min) each turn starts on a
     * fixed schedule, not before its slot, so the load is the one asked for while the clients keep up.
     */
    static Launches drive(int count, int clients, double ratePerMinute, Turn turn) throws Exception {
        long interval = ratePerMinute > 0 ? (long) (60e9 / ratePerMinute) : 0;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger left = new AtomicInteger(count);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                work.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        long due = start + next.getAndIncrement() * interval;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        latencies.add(turn.take());
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Launches(latencies, System.nanoTime() - start);
    }

    /**
     * A series' figures. {@code seconds}: first run's start to last run's end, as the series
     * measures them; {@code e2eMs} and {@code launchMs} sorted.
     */
    record Series(String name, int runs, long failed, double seconds, List<Long> launchMs, double launchesPerMinute,
                  List<Long> e2eMs, String e2eBasis, List<Long> observedMs) {

        static Series of(String name, int runs, long failed, double seconds, Launches launches, List<Long> e2eMs,
                         String e2eBasis, List<Long> observedMs) {
            List<Long> launch = launches.latencyNanos().stream().map(n -> n / 1_000_000).sorted().toList();
            return new Series(name, runs, failed, seconds, launch, launch.size() / (launches.wallNanos() / 1e9) * 60,
                    e2eMs.stream().sorted().toList(), e2eBasis,
                    observedMs == null ? List.of() : observedMs.stream().sorted().toList());
        }

        double perMinute() {
            return runs / seconds * 60;
        }

        void print(int clients) {
            System.out.printf("[%s] runs:                 %d from %d clients (%d not succeeded)%n", name, runs, clients, failed);
            System.out.printf("[%s] sustained:            %.0f runs/min (first start to last finish: %.1f s)%n",
                    name, perMinute(), seconds);
            System.out.printf("[%s] launch rate:          %.0f launches/min%n", name, launchesPerMinute);
            System.out.printf("[%s] launch latency:       p50 %d ms, p99 %d ms (client side)%n",
                    name, pct(launchMs, 50), pct(launchMs, 99));
            System.out.printf("[%s] end-to-end latency:   p50 %d ms, p99 %d ms (%s)%n",
                    name, pct(e2eMs, 50), pct(e2eMs, 99), e2eBasis);
            if (!observedMs.isEmpty()) {
                System.out.printf("[%s] client-observed:      p50 %d ms, p99 %d ms (launch sent to the client seeing the run end)%n",
                        name, pct(observedMs, 50), pct(observedMs, 99));
            }
        }
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }
}
