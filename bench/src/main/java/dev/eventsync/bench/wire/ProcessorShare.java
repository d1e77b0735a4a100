package dev.eventsync.bench.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The load generator's own CPU time and the machine's, from {@code /proc} (Linux; clock ticks of 1/100 s): tells
 * whether a run measured the server or a machine whose cores the generator itself filled.
 */
final class ProcessorShare {

    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessorShare() {
    }

    /**
     * CPU ticks at one moment.
     *
     * @param generator this process's user + system ticks ({@code /proc/self/stat})
     * @param busy      the machine's non-idle ticks over all cores ({@code /proc/stat}: all but idle and iowait)
     * @param total     the machine's ticks over all cores
     */
    record Sample(long generator, long busy, long total) {
    }

    static Sample sample() {
        try {
            String self = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = self.substring(self.lastIndexOf(')') + 2).split(" ");
            long generator = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] t = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < t.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(t[i]);
            }
            long idle = Long.parseLong(t[4]) + Long.parseLong(t[5]);
            return new Sample(generator, total - idle, total);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc: the generator's CPU share needs Linux", e);
        }
    }

    /** The generator's share of all cores' time between two samples (0..1). */
    static double generatorShare(Sample from, Sample to) {
        long total = to.total() - from.total();
        return total <= 0 ? Double.NaN : (double) (to.generator() - from.generator()) / total;
    }

    /** The machine's busy share of all cores' time between two samples (0..1). */
    static double busyShare(Sample from, Sample to) {
        long total = to.total() - from.total();
        return total <= 0 ? Double.NaN : (double) (to.busy() - from.busy()) / total;
    }

    /** The generator's CPU seconds between two samples. */
    static double generatorSeconds(Sample from, Sample to) {
        return (to.generator() - from.generator()) / TICKS_PER_SECOND;
    }
}
