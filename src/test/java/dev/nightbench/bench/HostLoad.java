package dev.nightbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How busy the host was while a figure was measured, so that every published figure says under what load it holds.
 * On a shared 2-core machine the same benchmark gave a throughput ratio of 0.63 on a quiet host and 0.19 on a busy
 * one: a figure without the load beside it cannot be compared with anything.
 *
 * <p>Two readings per window, both from Linux's {@code /proc}:
 * <ul>
 *   <li>the 1-minute load average ({@code /proc/loadavg}) at the start and the end of the window;</li>
 *   <li>the share of the machine's CPU time that <em>other</em> processes took during the window: busy jiffies of
 *       all CPUs ({@code /proc/stat}, steal included: time the hypervisor gave to other guests) minus this JVM's own
 *       and its waited-for children's ({@code /proc/self/stat} utime, stime, cutime, cstime: wrk and the job JVMs
 *       count as the benchmark's), divided by all jiffies of all CPUs. 0 % is a host to ourselves, 100 % a host
 *       whose every core was taken by someone else. Processes the children leave running (the job's embedded
 *       PostgreSQL) count as others.</li>
 * </ul>
 * Off Linux the readings are NaN and the table shows "–".
 */
final class HostLoad {

    private static final Path STAT = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    /** One reading of the counters. */
    record Snapshot(double load1, long busyJiffies, long allJiffies, long selfJiffies) {
    }

    /** What the host did between two snapshots. */
    record Window(double load1Start, double load1End, double othersCpuShare) {
        double load1Max() {
            return Math.max(load1Start, load1End);
        }
    }

    private HostLoad() {
    }

    static Snapshot snapshot() {
        try {
            long[] cpu = cpuLine(Files.readString(STAT));
            long self = selfJiffies(Files.readString(SELF));
            double load1 = Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
            return new Snapshot(load1, cpu[0], cpu[1], self);
        } catch (IOException | RuntimeException e) {
            return new Snapshot(Double.NaN, -1, -1, -1);
        }
    }

    static Window between(Snapshot start, Snapshot end) {
        long all = end.allJiffies() - start.allJiffies();
        double others = start.allJiffies() < 0 || all <= 0 ? Double.NaN
                : Math.max(0, (end.busyJiffies() - start.busyJiffies()) - (end.selfJiffies() - start.selfJiffies()))
                        / (double) all;
        return new Window(start.load1(), end.load1(), others);
    }

    /** Busy and total jiffies of the aggregate {@code cpu} line: user nice system idle iowait irq softirq steal. */
    static long[] cpuLine(String procStat) {
        String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cpu line in /proc/stat"));
        String[] f = line.trim().split("\\s+");
        long all = 0;
        long idle = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            long v = Long.parseLong(f[i]);
            all += v; // guest time (fields 9, 10) is already inside user and nice
            if (i == 4 || i == 5) {
                idle += v; // idle, iowait
            }
        }
        return new long[] {all - idle, all};
    }

    /** utime + stime + cutime + cstime of {@code /proc/self/stat} (fields 14-17; the name in field 2 may hold spaces). */
    static long selfJiffies(String procSelfStat) {
        String[] f = procSelfStat.substring(procSelfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** "3.9–4.2" over the windows' starts and ends. */
    static String load1Range(List<Window> windows) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Window w : windows) {
            for (double v : new double[] {w.load1Start(), w.load1End()}) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo > hi ? "–" : String.format(Locale.ROOT, lo == hi ? "%.1f" : "%.1f–%.1f", lo, hi);
    }

    /** "12 % (5–30)": the median and the range of the others' CPU share over the windows. */
    static String othersRange(List<Window> windows) {
        List<Double> shares = windows.stream().map(Window::othersCpuShare).filter(d -> !d.isNaN()).toList();
        if (shares.isEmpty()) {
            return "–";
        }
        double median = Samples.median(shares) * 100;
        double lo = shares.stream().mapToDouble(Double::doubleValue).min().orElseThrow() * 100;
        double hi = shares.stream().mapToDouble(Double::doubleValue).max().orElseThrow() * 100;
        return shares.size() == 1 ? String.format(Locale.ROOT, "%.0f %%", median)
                : String.format(Locale.ROOT, "%.0f %% (%.0f–%.0f)", median, lo, hi);
    }
}
