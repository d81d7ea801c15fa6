package dev.nightbench.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the client itself while one load level runs, so that a level the client could not drive is known
 * rather than silently reported as the server's figures ({@link ClientLimitRules} decides). Three things, each
 * chosen to cost next to nothing beside the HTTP requests it watches:
 * <ul>
 *   <li><b>CPU</b>: the process's CPU time over the level ({@code com.sun.management.OperatingSystemMXBean}) ÷ wall
 *       time ÷ the processors the JVM may run on; two reads per level. The host's 1-minute load average is read at
 *       the end, as context;</li>
 *   <li><b>scheduling lag</b>: one probe thread (maximum Java priority, which Linux ignores without privileges, so
 *       it waits for a core like any worker) sleeps {@value #PROBE_PERIOD_MS} ms at a time and records how late it
 *       woke. A sleep's overshoot on an idle core is tens of microseconds; on a starved one it is the time a ready
 *       thread waits for a core, which is what delays every chunk timestamp a worker takes. A probe rather than the
 *       workers' own start delays because it works the same for open and closed loops and does not depend on the
 *       server's pace; 500 wake-ups a second of a few microseconds each is well under 1 % of a core;</li>
 *   <li><b>workers' wait for a core</b> (Linux): each worker reads its own thread's {@code /proc/thread-self/schedstat}
 *       (CPU time and run-queue wait, kept by the kernel's scheduler) when it starts a request and when the request
 *       is closed; the share of the requests' time the workers spent ready but waiting for a core is the most direct
 *       measure of a starved client (two reads of a 30-byte file per request, some microseconds). The probe alone
 *       under-reads it: the scheduler favours a thread that wakes from a short sleep over busy ones;</li>
 *   <li><b>requests on the wire</b>: each attempt's t0 and response-closed times (recorded by the workers with one
 *       lock-free append), from which the time-weighted mean and the maximum of requests truly in flight are
 *       computed after the level, off the measured path.</li>
 * </ul>
 * One monitor per level: {@link #start()}, the workers call {@link #onWire(long, long)}, then {@link #stop()}.
 */
public final class ClientLoadMonitor {

    static final long PROBE_PERIOD_MS = 2;
    private static final long PROBE_PERIOD_NANOS = PROBE_PERIOD_MS * 1_000_000;
    private static final double NANOS_PER_MS = 1_000_000.0;

    /** What the monitor saw over the level; null figures could not be read on this platform. */
    public record Reading(Double cpuShare, int cpus, Double hostLoadAverage, Double schedLagMsP95,
                          Double schedLagMsMax, int probeSamples, Wire wire, Double workerWaitShare) {
    }

    /**
     * Requests on the wire (t0 to response closed) over the level.
     *
     * @param mean       time-weighted mean from the first t0 to the last close
     * @param steadyMean time-weighted mean from the first t0 to the last t0 (while requests were still being sent);
     *                   null when that window is shorter than {@code minSteadyMs}
     * @param max        the most at once
     */
    public record Wire(Double mean, Double steadyMean, int max, int spans) {
    }

    private record Span(long sent, long closed) {
    }

    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");
    private static final boolean HAS_SCHEDSTAT = Files.isReadable(SCHEDSTAT);

    private final Queue<Span> spans = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<long[]> entered = new ThreadLocal<>();
    private final LongAdder workerWaitNanos = new LongAdder();
    private final LongAdder workerWallNanos = new LongAdder();
    private final com.sun.management.OperatingSystemMXBean os;
    private final OperatingSystemMXBean plainOs = ManagementFactory.getOperatingSystemMXBean();
    private volatile boolean running;
    private Thread probe;
    private long[] lateNanos = new long[1024];
    private int samples;
    private long startNanos;
    private long startCpu;

    public ClientLoadMonitor() {
        this.os = plainOs instanceof com.sun.management.OperatingSystemMXBean o ? o : null;
    }

    public ClientLoadMonitor start() {
        startNanos = System.nanoTime();
        startCpu = os == null ? -1 : os.getProcessCpuTime();
        running = true;
        probe = Thread.ofPlatform().name("nightbench-client-probe").daemon(true).priority(Thread.MAX_PRIORITY)
                .start(this::probe);
        return this;
    }

    /** A worker starts a request (on its own thread): reads the thread's run-queue wait so far. */
    public void onEnter() {
        long wait = runQueueWaitNanos();
        if (wait >= 0) {
            entered.set(new long[]{wait, System.nanoTime()});
        }
    }

    /** The worker's request is closed (same thread as {@link #onEnter()}): adds its wait for a core. */
    public void onExit() {
        long[] start = entered.get();
        if (start == null) {
            return;
        }
        entered.remove();
        long wait = runQueueWaitNanos();
        if (wait >= 0) {
            workerWaitNanos.add(wait - start[0]);
            workerWallNanos.add(System.nanoTime() - start[1]);
        }
    }

    /** The calling thread's time spent runnable but waiting for a CPU, ns (schedstat's 2nd field); -1 if unknown. */
    static long runQueueWaitNanos() {
        if (!HAS_SCHEDSTAT) {
            return -1;
        }
        try {
            String[] f = Files.readString(SCHEDSTAT).trim().split(" ");
            return f.length >= 2 ? Long.parseLong(f[1]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A worker's attempt was on the wire from {@code sentNanos} (t0) to {@code closedNanos}. Thread-safe. */
    public void onWire(long sentNanos, long closedNanos) {
        if (closedNanos >= sentNanos) {
            spans.add(new Span(sentNanos, closedNanos));
        }
    }

    /**
     * Stops the probe and reads the figures.
     *
     * @param minSteadyMs the shortest first-send-to-last-send window for which a steady mean is given
     */
    public Reading stop(double minSteadyMs) {
        running = false;
        long wall = System.nanoTime() - startNanos;
        long cpu = os == null ? -1 : os.getProcessCpuTime();
        if (probe != null) {
            LockSupport.unpark(probe);
            try {
                probe.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        Double cpuShare = startCpu < 0 || cpu < 0 || wall <= 0 ? null : (cpu - startCpu) / (double) wall / cpus;
        double load = plainOs.getSystemLoadAverage();
        Double p95 = null;
        Double max = null;
        if (samples > 0) {
            long[] sorted = Arrays.copyOf(lateNanos, samples);
            Arrays.sort(sorted);
            p95 = Percentiles.ofSorted(sorted, samples, 0.95) / NANOS_PER_MS;
            max = sorted[samples - 1] / NANOS_PER_MS;
        }
        long workerWall = workerWallNanos.sum();
        Double waitShare = workerWall > 0 ? Math.min(1.0, workerWaitNanos.sum() / (double) workerWall) : null;
        return new Reading(cpuShare, cpus, load < 0 ? null : load, p95, max, samples, wire(minSteadyMs), waitShare);
    }

    private void probe() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(PROBE_PERIOD_NANOS);
            long late = System.nanoTime() - before - PROBE_PERIOD_NANOS;
            if (!running) {
                return; // woken early by stop()
            }
            if (samples == lateNanos.length) {
                lateNanos = Arrays.copyOf(lateNanos, samples * 2);
            }
            lateNanos[samples++] = Math.max(0, late);
        }
    }

    private Wire wire(double minSteadyMs) {
        return wire(spans.stream().mapToLong(Span::sent).toArray(), spans.stream().mapToLong(Span::closed).toArray(),
                minSteadyMs);
    }

    /** The figures of {@link Wire} from matching arrays of send and close times (package-private for tests). */
    static Wire wire(long[] sent, long[] closed, double minSteadyMs) {
        int n = Math.min(sent.length, closed.length);
        if (n == 0) {
            return new Wire(null, null, 0, 0);
        }
        long first = Long.MAX_VALUE;
        long lastSent = Long.MIN_VALUE;
        long lastClosed = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            first = Math.min(first, sent[i]);
            lastSent = Math.max(lastSent, sent[i]);
            lastClosed = Math.max(lastClosed, closed[i]);
        }
        double total = 0;
        double steady = 0;
        long[] events = new long[2 * n]; // time << 1 | (1 = open, 0 = close), so a close sorts before an open
        for (int i = 0; i < n; i++) {
            total += closed[i] - sent[i];
            steady += Math.max(0, Math.min(closed[i], lastSent) - sent[i]);
            events[2 * i] = (sent[i] - first) << 1 | 1;
            events[2 * i + 1] = (closed[i] - first) << 1;
        }
        Arrays.sort(events);
        int now = 0;
        int max = 0;
        for (long e : events) {
            now += (e & 1) == 1 ? 1 : -1;
            max = Math.max(max, now);
        }
        long span = lastClosed - first;
        long steadySpan = lastSent - first;
        return new Wire(span > 0 ? total / span : null,
                steadySpan > 0 && steadySpan / NANOS_PER_MS >= minSteadyMs ? steady / steadySpan : null, max, n);
    }
}
