package io.stepwise.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time from the kernel's counters: the whole machine ({@code /proc/stat}, first line), what a
 * series cost every process together, and each process the bench was told about
 * ({@code -Dbench.pids=name=pid,...}), every PostgreSQL process and the bench itself
 * ({@code /proc/PID/stat}). Divided by a series' runs, it says what a run costs and where,
 * steadier than runs/min when the machine's speed drifts, and the same yardstick for Stepwise and
 * for the raw baseline. Zero where there is no {@code /proc}.
 */
record MachineCpu(long busyTicks, long stealTicks, Map<String, Long> processTicks) {
    /** USER_HZ: the kernel counts these in hundredths of a second on Linux. */
    private static final double MS_PER_TICK = 10.0;

    static MachineCpu now() {
        long busy = 0;
        long steal = 0;
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                    + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        } catch (IOException | RuntimeException e) {
            // no /proc: zeros
        }
        Map<String, Long> processes = new LinkedHashMap<>();
        for (String named : System.getProperty("bench.pids", "").split(",")) {
            String[] kv = named.split("=", 2);
            if (kv.length == 2) {
                processes.put(kv[0], ticks(Path.of("/proc", kv[1].trim(), "stat")));
            }
        }
        processes.put("postgres", postgresTicks());
        processes.put("bench", ticks(Path.of("/proc", String.valueOf(ProcessHandle.current().pid()), "stat")));
        return new MachineCpu(busy, steal, processes);
    }

    /** utime + stime of one process, 0 when it is gone. */
    private static long ticks(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Every PostgreSQL process now (the postmaster, its backends and workers). */
    private static long postgresTicks() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> p.resolve("stat"))
                    .filter(stat -> {
                        try {
                            return Files.readString(stat).contains("(postgres)");
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .mapToLong(MachineCpu::ticks).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Two lines: the machine's CPU per run since {@code start} with the time the hypervisor took
     * (steal), and each process's share of it; "other" is the rest (the kernel, processes that ended,
     * such as PostgreSQL backends whose connection closed).
     */
    void printSince(MachineCpu start, String name, int runs) {
        double per = runs == 0 ? 0 : MS_PER_TICK / runs;
        System.out.printf("[%s] machine CPU:          %.1f ms a run (all processes, %d runs; steal %.0f ms in all)%n",
                name, (busyTicks - start.busyTicks) * per, runs, (stealTicks - start.stealTicks) * MS_PER_TICK);
        StringBuilder line = new StringBuilder();
        long named = 0;
        for (Map.Entry<String, Long> e : processTicks.entrySet()) {
            long used = Math.max(0, e.getValue() - start.processTicks.getOrDefault(e.getKey(), 0L));
            named += used;
            line.append(String.format("%s %.1f, ", e.getKey(), used * per));
        }
        line.append(String.format("other %.1f", Math.max(0, busyTicks - start.busyTicks - named) * per));
        System.out.printf("[%s] CPU a run by process: %s ms%n", name, line);
    }
}
