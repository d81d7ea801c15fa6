package dev.nightbench.report;

import java.util.Arrays;

/**
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation, corrected for ties and
 * for continuity, as R's {@code wilcox.test(exact = FALSE)} and SciPy's
 * {@code mannwhitneyu(method="asymptotic")} compute it. Implemented here rather than taken from Commons Math 3,
 * whose {@code MannWhitneyUTest} leaves out the tie correction; per-request latencies rounded to the
 * millisecond tie often.
 *
 * <p>It asks whether one sample tends to take larger values than the other, without assuming a distribution:
 * latency samples are skewed and heavy-tailed, so a t-test would be the wrong tool.
 */
final class MannWhitneyU {

    /** The test's name as reports and the {@code comparisons.test} column show it. */
    static final String NAME = "Mann-Whitney U (two-sided, normal approx., tie + continuity corrected)";

    private MannWhitneyU() {
    }

    /**
     * @param u U statistic of the first sample (number of pairs in which the first sample's value is larger,
     *          ties counting one half)
     * @param z standard score after tie and continuity correction (0 when there is no variance)
     * @param p two-sided p-value
     */
    record Result(double u, double z, double p) {
    }

    static Result test(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("both samples need at least one value");
        }
        double[] a = x.clone();
        double[] b = y.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        if (Double.isNaN(a[n1 - 1]) || Double.isNaN(b[n2 - 1])) { // NaN sorts last
            throw new IllegalArgumentException("NaN in a sample");
        }
        int n = n1 + n2;
        // Walk both sorted samples in step: each group of equal values takes the average of its ranks.
        double rankSumX = 0;
        double tieTerm = 0; // sum over tie groups of t^3 - t
        int i = 0;
        int j = 0;
        int rank = 0; // ranks given so far
        while (i < n1 || j < n2) {
            double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
            int inX = 0;
            while (i < n1 && a[i] == v) {
                i++;
                inX++;
            }
            int inY = 0;
            while (j < n2 && b[j] == v) {
                j++;
                inY++;
            }
            int t = inX + inY;
            double averageRank = rank + (t + 1) / 2.0; // ranks rank+1 .. rank+t
            rankSumX += inX * averageRank;
            tieTerm += (double) t * t * t - t;
            rank += t;
        }
        double u = rankSumX - n1 * (n1 + 1) / 2.0;
        double mean = n1 * (double) n2 / 2.0;
        double variance = n1 * (double) n2 / 12.0 * ((n + 1) - tieTerm / (n * (double) (n - 1)));
        if (variance <= 0) {
            return new Result(u, 0, 1); // every value equal: no evidence of any difference
        }
        double z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
        return new Result(u, Math.signum(u - mean) * z, Math.min(1, Normal.twoSidedP(z)));
    }
}
