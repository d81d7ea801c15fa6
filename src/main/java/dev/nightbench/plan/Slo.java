package dev.nightbench.plan;

/**
 * The plan's service-level objectives (all optional). A request meets them when it succeeded and each given
 * latency is within its limit; goodput is the share of all requests that do. A load level holds when, over its
 * requests, the {@code percentile} of each given latency is within its limit and the error rate is at most
 * {@code maxErrorRate}.
 *
 * @param ttftMs       limit on time to first token, ms, or null
 * @param tpotMs       limit on time per output token, ms, or null
 * @param e2eMs        limit on end-to-end latency, ms, or null
 * @param maxErrorRate highest share of failed requests (0..1) at which a load level still holds, or null
 * @param percentile   the percentile (0 < p ≤ 100) of a level's latencies that must be within each limit
 */
public record Slo(Double ttftMs, Double tpotMs, Double e2eMs, Double maxErrorRate, double percentile) {

    public static final double DEFAULT_PERCENTILE = 95;
    public static final Slo NONE = new Slo(null, null, null, null, DEFAULT_PERCENTILE);

    /** True when any per-request latency limit is given (goodput is defined only then). */
    public boolean hasLatencyLimits() {
        return ttftMs != null || tpotMs != null || e2eMs != null;
    }

    public boolean isEmpty() {
        return !hasLatencyLimits() && maxErrorRate == null;
    }
}
