package dev.nightbench.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether the client, not the server, set the pace of a load level. A benchmark that is starved of CPU
 * (a busy host, a container limit, {@code taskset} to a busy core) still sends requests and records figures, but
 * they describe the client: TTFT grows by the time a reading thread waits for a core, fewer requests are on the
 * wire than planned, and throughput stops at what the client can drive. Each rule below catches one of these; a
 * level is client-limited when any rule holds, and the reason names every rule that held, with its figures:
 * <ol>
 *   <li><b>CPU</b>: the process used at least {@value #CPU_SHARE} of the cores it may run on (its available
 *       processors, which honour {@code taskset} and container limits) over the level;</li>
 *   <li><b>wait for a core</b>: the workers spent at least {@value #WORKER_WAIT_SHARE} of their requests' time
 *       ready to run but waiting for a CPU (Linux run-queue wait of the worker threads): every figure they timed is
 *       inflated by about that share;</li>
 *   <li><b>scheduling lag</b>: the probe thread's sleep overshoot p95 (how long a thread that is ready waits for a
 *       core; see {@link ClientLoadMonitor}) exceeds {@value #SCHED_LAG_SHARE} of the level's fast requests' time
 *       ({@code total_ms} p10 of its successful requests), and at least {@value #SCHED_LAG_FLOOR_MS} ms: every
 *       timestamp the workers take is late by about that much, so those figures are off by more than a tenth. The
 *       fast requests rather than the median because starvation inflates the request times themselves (a 0.3 ms
 *       server measured at 130 ms): the fastest tenth is the best estimate of what the server took;</li>
 *   <li><b>in flight</b> (closed loop, no retries): while every worker still had requests to send (first send to
 *       last send), the time-weighted mean of requests on the wire (t0 to response closed) was below
 *       {@value #IN_FLIGHT_SHARE} of the concurrency: the workers spent more time in the client than waiting for
 *       the server, so the server was idle for want of requests;</li>
 *   <li><b>ceiling</b> (closed loop): the level's request throughput reached {@value #CEILING_SHARE} of the client's
 *       own ceiling at that concurrency, measured against the zero-delay simulated endpoint
 *       ({@link ClientCalibration}): a faster server could not have shown a higher figure;</li>
 *   <li><b>schedule</b> (open loop): the scheduled lag p95 exceeds {@value #OPEN_LOOP_LAG_SHARE} of the mean time
 *       between arrivals (1000 / rate ms), so the load offered was lower than planned (the report's "fell behind"
 *       rule).</li>
 * </ol>
 * The host's load average is not a rule (it counts every process of the host, whatever cores they run on) but is
 * named in the reason as context.
 */
public final class ClientLimitRules {

    public static final double CPU_SHARE = 0.90;
    public static final double WORKER_WAIT_SHARE = 0.10;
    public static final double SCHED_LAG_SHARE = 0.10;
    public static final double SCHED_LAG_FLOOR_MS = 2.0;
    public static final double IN_FLIGHT_SHARE = 0.5;
    public static final double CEILING_SHARE = 0.8;
    public static final double OPEN_LOOP_LAG_SHARE = 0.10;

    private ClientLimitRules() {
    }

    /**
     * What the rules look at; a null figure was not measured and its rule does not apply.
     *
     * @param closedLoop        concurrency level (true) or Poisson rate (false)
     * @param level             the concurrency, or the rate in req/s
     * @param cpuShare          process CPU time ÷ (wall time × cpus), 0..1
     * @param cpus              processors the JVM may run on
     * @param hostLoadAverage   the host's 1-minute load average at the end of the level
     * @param schedLagMsP95     probe sleep overshoot p95, ms
     * @param fastRequestMs     total_ms p10 of the level's successful requests
     * @param steadyInFlight    closed loop: mean requests on the wire from first to last send
     * @param retried           whether any request of the level was retried (backoff sleeps are not the client's)
     * @param requestThroughput ok requests ÷ wall time, req/s
     * @param ceilingRps        the client's calibrated ceiling at this concurrency, req/s
     * @param scheduledLagMsP95 open loop: actual − scheduled send p95, ms
     * @param workerWaitShare   share of the workers' request time spent waiting for a core, 0..1
     */
    public record Inputs(boolean closedLoop, double level, Double cpuShare, int cpus, Double hostLoadAverage,
                         Double schedLagMsP95, Double fastRequestMs, Double steadyInFlight, boolean retried,
                         Double requestThroughput, Double ceilingRps, Double scheduledLagMsP95,
                         Double workerWaitShare) {
    }

    /** Whether the client set the pace, and why (null when it did not). */
    public record Verdict(boolean limited, String reason) {
    }

    public static Verdict decide(Inputs in) {
        List<String> reasons = new ArrayList<>();
        if (in.cpuShare() != null && in.cpuShare() >= CPU_SHARE) {
            reasons.add("client CPU " + pct(in.cpuShare()) + " of " + cores(in.cpus()));
        }
        if (in.workerWaitShare() != null && in.workerWaitShare() >= WORKER_WAIT_SHARE) {
            reasons.add("the workers waited for a core " + pct(in.workerWaitShare()) + " of their requests' time (>= "
                    + pct(WORKER_WAIT_SHARE) + ")");
        }
        if (in.schedLagMsP95() != null && in.fastRequestMs() != null) {
            double bound = Math.max(SCHED_LAG_FLOOR_MS, SCHED_LAG_SHARE * in.fastRequestMs());
            if (in.schedLagMsP95() > bound) {
                reasons.add("scheduling lag p95 " + ms(in.schedLagMsP95()) + " > " + ms(bound) + " ("
                        + pct(SCHED_LAG_SHARE) + " of the fast requests' time, total_ms p10 " + ms(in.fastRequestMs())
                        + ", at least " + ms(SCHED_LAG_FLOOR_MS) + ")");
            }
        }
        if (in.closedLoop() && !in.retried() && in.steadyInFlight() != null
                && in.steadyInFlight() < IN_FLIGHT_SHARE * in.level()) {
            reasons.add(String.format(Locale.ROOT, "on average %.1f of %s requests on the wire while every worker "
                    + "had work (< %s): the workers spent more time in the client than waiting for the server",
                    in.steadyInFlight(), level(in.level()), pct(IN_FLIGHT_SHARE)));
        }
        if (in.closedLoop() && in.ceilingRps() != null && in.ceilingRps() > 0 && in.requestThroughput() != null
                && in.requestThroughput() >= CEILING_SHARE * in.ceilingRps()) {
            reasons.add(String.format(Locale.ROOT, "%.1f req/s = %s of the client's own ceiling %.1f req/s at "
                            + "concurrency %s (zero-delay calibration)", in.requestThroughput(),
                    pct(in.requestThroughput() / in.ceilingRps()), in.ceilingRps(), level(in.level())));
        }
        if (!in.closedLoop() && in.level() > 0 && in.scheduledLagMsP95() != null) {
            double bound = OPEN_LOOP_LAG_SHARE * 1000 / in.level();
            if (in.scheduledLagMsP95() > bound) {
                reasons.add("scheduled lag p95 " + ms(in.scheduledLagMsP95()) + " > " + ms(bound) + " ("
                        + pct(OPEN_LOOP_LAG_SHARE) + " of the mean time between arrivals): less load was offered "
                        + "than planned");
            }
        }
        if (reasons.isEmpty()) {
            return new Verdict(false, null);
        }
        String context = in.hostLoadAverage() == null ? ""
                : String.format(Locale.ROOT, " (host load average %.2f, %s for the client)", in.hostLoadAverage(),
                cores(in.cpus()));
        return new Verdict(true, String.join("; ", reasons) + context);
    }

    private static String cores(int n) {
        return n == 1 ? "1 core" : n + " cores";
    }

    private static String pct(double share) {
        return Math.round(share * 100) + " %";
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String level(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
