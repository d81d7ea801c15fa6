package dev.nightbench.measure;

import dev.nightbench.plan.Slo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Whether a load level held: over the level's requests (final attempts), the error rate is at most the plan's
 * {@code max_error_rate} and, for each latency limit given, the SLO percentile (p95 unless the plan says
 * otherwise, linear interpolation as in SQL) of that latency over the successful requests is within it. A
 * latency limit with no successful request to measure it counts as broken. With no SLO at all every level holds.
 */
public final class SloCheck {

    /**
     * @param held   true when every limit held
     * @param broken what broke, e.g. {@code "ttft_ms p95 812.4 ms > 500 ms"}, several joined by "; "; null when held
     */
    public record Verdict(boolean held, String broken) {
    }

    private SloCheck() {
    }

    public static Verdict evaluate(List<Measurement> finals, Slo slo) {
        List<String> broken = new ArrayList<>();
        int n = finals.size();
        long ok = finals.stream().filter(Measurement::ok).count();
        if (slo.maxErrorRate() != null && n > 0) {
            double errorRate = (n - ok) / (double) n;
            if (errorRate > slo.maxErrorRate() + 1e-12) {
                broken.add(String.format(Locale.ROOT, "error rate %.3f > %s (%d of %d failed)", errorRate,
                        number(slo.maxErrorRate()), n - ok, n));
            }
        }
        latency("ttft_ms", slo.ttftMs(), Measurement::ttftMs, finals, slo.percentile(), broken);
        // a flagged request's TPOT describes the client's read, not the server (Plausibility): left out, as in summaries
        latency("tpot_ms", slo.tpotMs(), m -> m.flagged() ? null : m.tpotMs(), finals, slo.percentile(), broken);
        latency("e2e_ms", slo.e2eMs(), Measurement::e2eMs, finals, slo.percentile(), broken);
        return broken.isEmpty() ? new Verdict(true, null) : new Verdict(false, String.join("; ", broken));
    }

    private static void latency(String name, Double limit, Function<Measurement, Double> metric,
                                List<Measurement> finals, double percentile, List<String> broken) {
        if (limit == null) {
            return;
        }
        double[] values = finals.stream().filter(Measurement::ok).map(metric).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        String p = "p" + number(percentile);
        if (values.length == 0) {
            broken.add(name + " " + p + " undefined (no successful request measured it) vs limit " + number(limit) + " ms");
            return;
        }
        double value = Percentiles.ofSorted(values, values.length, percentile / 100.0);
        if (value > limit) {
            broken.add(String.format(Locale.ROOT, "%s %s %.1f ms > %s ms", name, p, value, number(limit)));
        }
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** For tests: the percentile of values as this check computes it. */
    static double percentile(double[] values, double percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return Percentiles.ofSorted(sorted, sorted.length, percentile / 100.0);
    }
}
