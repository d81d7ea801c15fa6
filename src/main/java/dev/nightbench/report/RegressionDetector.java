package dev.nightbench.report;

import java.util.Arrays;

/**
 * Decides whether a metric regressed, improved or stayed the same, as METRICS.md's "Comparing runs" asks: the
 * median must move by more than the relative threshold AND the difference must be beyond noise on the
 * per-request samples (Mann-Whitney U for the latency and throughput figures and the judge's scores, whose mean
 * stands in for the median; Fisher's exact test for success rate and check pass rate), at significance level alpha.
 * A big move that is within noise, or a significant move that is smaller than the threshold, is unchanged. Plain Java, no I/O.
 */
final class RegressionDetector {

    private final double threshold;
    private final double alpha;

    /**
     * @param threshold relative change of the median that matters, as a fraction (0.10 = 10 %)
     * @param alpha     significance level of the two-sided test
     */
    RegressionDetector(double threshold, double alpha) {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be positive, not " + threshold);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie between 0 and 1, not " + alpha);
        }
        this.threshold = threshold;
        this.alpha = alpha;
    }

    /** Compares per-request samples of a latency or throughput metric. */
    Comparison compare(Metric metric, double[] baseline, double[] current) {
        if (metric.proportion() || metric == Metric.JUDGE_SCORE) {
            throw new IllegalArgumentException(metric.column() + " is compared with compare"
                    + (metric.proportion() ? "Proportions" : "Scores"));
        }
        Double baseMedian = baseline.length == 0 ? null : median(baseline);
        Double curMedian = current.length == 0 ? null : median(current);
        Double change = changePct(baseMedian, curMedian);
        if (baseline.length < Comparison.MIN_SAMPLES || current.length < Comparison.MIN_SAMPLES) {
            return new Comparison(metric, baseMedian, curMedian, change, null, baseline.length, current.length,
                    Comparison.INSUFFICIENT_DATA, Verdict.UNCHANGED);
        }
        double p = MannWhitneyU.test(baseline, current).p();
        return new Comparison(metric, baseMedian, curMedian, change, p, baseline.length, current.length,
                MannWhitneyU.NAME, verdict(metric, baseMedian, curMedian, p));
    }

    /**
     * Compares the judge's scores (1-5) of one criterion: Mann-Whitney U on the scores, as for the latency figures
     * (ties are the rule here, and its tie-corrected normal approximation handles them), with the threshold applied
     * to the mean score, which a person reads ("4.67 -> 2.13") where the median of whole numbers would jump in steps
     * of a point. Higher is better.
     */
    Comparison compareScores(String criterion, double[] baseline, double[] current) {
        Double baseMean = baseline.length == 0 ? null : mean(baseline);
        Double curMean = current.length == 0 ? null : mean(current);
        Double change = changePct(baseMean, curMean);
        if (baseline.length < Comparison.MIN_SAMPLES || current.length < Comparison.MIN_SAMPLES) {
            return new Comparison(Metric.JUDGE_SCORE, baseMean, curMean, change, null, baseline.length,
                    current.length, Comparison.INSUFFICIENT_DATA, Verdict.UNCHANGED, null, criterion);
        }
        double p = MannWhitneyU.test(baseline, current).p();
        return new Comparison(Metric.JUDGE_SCORE, baseMean, curMean, change, p, baseline.length, current.length,
                MannWhitneyU.NAME, verdict(Metric.JUDGE_SCORE, baseMean, curMean, p), null, criterion);
    }

    /** Compares success rates: {@code okBaseline} of {@code nBaseline} requests against {@code okCurrent} of {@code nCurrent}. */
    Comparison compareSuccess(int okBaseline, int nBaseline, int okCurrent, int nCurrent) {
        return compareProportions(Metric.SUCCESS_RATE, okBaseline, nBaseline, okCurrent, nCurrent);
    }

    /**
     * Compares a proportion metric ({@link Metric#proportion()}: success rate, check pass rate) the way success rate
     * always was: {@code okBaseline} of {@code nBaseline} against {@code okCurrent} of {@code nCurrent}, Fisher's
     * exact test, the same threshold on the relative move.
     */
    Comparison compareProportions(Metric metric, int okBaseline, int nBaseline, int okCurrent, int nCurrent) {
        if (!metric.proportion()) {
            throw new IllegalArgumentException(metric.column() + " is compared on per-request samples");
        }
        Double base = nBaseline == 0 ? null : okBaseline / (double) nBaseline;
        Double cur = nCurrent == 0 ? null : okCurrent / (double) nCurrent;
        Double change = changePct(base, cur);
        if (nBaseline < Comparison.MIN_SAMPLES || nCurrent < Comparison.MIN_SAMPLES) {
            return new Comparison(metric, base, cur, change, null, nBaseline, nCurrent,
                    Comparison.INSUFFICIENT_DATA, Verdict.UNCHANGED);
        }
        double p = FisherExact.twoSided(okBaseline, nBaseline, okCurrent, nCurrent);
        return new Comparison(metric, base, cur, change, p, nBaseline, nCurrent, FisherExact.NAME,
                verdict(metric, base, cur, p));
    }

    /**
     * The comparison decided again on an adjusted p-value (its raw one kept): same medians and threshold, and
     * significant only when {@code pAdjusted < alpha}. An untested comparison is returned as it is.
     */
    Comparison adjusted(Comparison c, Double pAdjusted) {
        if (pAdjusted == null || c.pValue() == null) {
            return c;
        }
        return c.withAdjusted(pAdjusted, verdict(c.metric(), c.baselineMedian(), c.currentMedian(), pAdjusted));
    }

    private Verdict verdict(Metric metric, double base, double cur, double p) {
        if (p >= alpha || base == cur) {
            return Verdict.UNCHANGED;
        }
        // relative move, +inf when the baseline is 0 and the current value is not
        double relative = base == 0 ? Math.copySign(Double.POSITIVE_INFINITY, cur) : (cur - base) / Math.abs(base);
        if (Math.abs(relative) <= threshold) {
            return Verdict.UNCHANGED;
        }
        boolean better = metric.higherIsBetter() == relative > 0;
        return better ? Verdict.IMPROVED : Verdict.REGRESSED;
    }

    private static Double changePct(Double base, Double cur) {
        if (base == null || cur == null) {
            return null;
        }
        if (base == 0) {
            return cur == 0 ? 0.0 : null;
        }
        return (cur - base) / Math.abs(base) * 100;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Median with linear interpolation (PostgreSQL's {@code percentile_cont(0.5)}). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
