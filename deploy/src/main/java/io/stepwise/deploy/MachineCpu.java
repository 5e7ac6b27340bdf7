package io.stepwise.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time from the kernel's counters ({@code /proc/stat}, first line): what a
 * series cost every process on the machine together (api-server, worker, PostgreSQL, the Temporal
 * test server and the bench itself), divided by its runs. Steadier than runs/min when the machine's
 * speed drifts, and the same yardstick for Stepwise and for the raw baseline. Zero where there is no
 * {@code /proc/stat}.
 */
record MachineCpu(long busyTicks, long stealTicks) {
    /** USER_HZ: the kernel reports these counters in hundredths of a second on Linux. */
    private static final double MS_PER_TICK = 10.0;

    static MachineCpu now() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                    + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            return new MachineCpu(busy, f.length > 8 ? Long.parseLong(f[8]) : 0);
        } catch (IOException | RuntimeException e) {
            return new MachineCpu(0, 0);
        }
    }

    /** One line: the machine's CPU per run since {@code start}, and the time the hypervisor took (steal). */
    void printSince(MachineCpu start, String name, int runs) {
        double busyMs = (busyTicks - start.busyTicks) * MS_PER_TICK;
        double stealMs = (stealTicks - start.stealTicks) * MS_PER_TICK;
        System.out.printf("[%s] machine CPU:          %.1f ms a run (all processes, %d runs; steal %.0f ms in all)%n",
                name, runs == 0 ? 0 : busyMs / runs, runs, stealMs);
    }
}
