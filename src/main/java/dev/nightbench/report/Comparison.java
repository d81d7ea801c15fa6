package dev.nightbench.report;

/**
 * One metric of one model (or model and prompt) compared with the baseline.
 *
 * @param metric         what was compared
 * @param baselineMedian median of the baseline's per-request samples; for success rate, the baseline's proportion
 * @param currentMedian  the same for the current run
 * @param changePct      (current − baseline) / baseline × 100; null when the baseline is 0 or either side is empty
 * @param pValue         the test's raw two-sided p-value; null when there were too few samples to test
 * @param nBaseline      samples on the baseline side (ok requests with the figure; all requests for success rate)
 * @param nCurrent       samples on the current side
 * @param test           the test used, or {@link #INSUFFICIENT_DATA}
 * @param verdict        regressed, improved or unchanged; decided on {@code pAdjusted} when there is one
 * @param pAdjusted      the Benjamini–Hochberg adjusted p-value of a per-prompt or load-level comparison (see
 *                       {@link TrendAnalysis}); null for the per-model latency comparisons (all prompts pooled, serial),
 *                       which are tested on their own, and for untested ones
 * @param criterion      the rubric criterion of a {@link Metric#JUDGE_SCORE} comparison (whose medians are the mean
 *                       scores); null for every other metric
 */
record Comparison(Metric metric, Double baselineMedian, Double currentMedian, Double changePct, Double pValue,
                  int nBaseline, int nCurrent, String test, Verdict verdict, Double pAdjusted, String criterion) {

    Comparison {
        if ((metric == Metric.JUDGE_SCORE) != (criterion != null)) {
            throw new IllegalArgumentException("a criterion belongs to judge_score comparisons only, not " + metric);
        }
    }

    /** Fewer samples than this on either side and a metric is not tested. */
    static final int MIN_SAMPLES = 3;

    static final String INSUFFICIENT_DATA = "insufficient data (n < " + MIN_SAMPLES + ")";

    /** A comparison whose p-value is not adjusted (yet). */
    Comparison(Metric metric, Double baselineMedian, Double currentMedian, Double changePct, Double pValue,
               int nBaseline, int nCurrent, String test, Verdict verdict) {
        this(metric, baselineMedian, currentMedian, changePct, pValue, nBaseline, nCurrent, test, verdict, null);
    }

    /** A comparison of a metric other than judge_score, as read back (adjusted p or null). */
    Comparison(Metric metric, Double baselineMedian, Double currentMedian, Double changePct, Double pValue,
               int nBaseline, int nCurrent, String test, Verdict verdict, Double pAdjusted) {
        this(metric, baselineMedian, currentMedian, changePct, pValue, nBaseline, nCurrent, test, verdict, pAdjusted,
                null);
    }

    /** The metric's name, with the criterion of a judge score: {@code "judge_score factuality"}. */
    String label() {
        return criterion == null ? metric.column() : metric.column() + " " + criterion;
    }

    /** The metric as a person reads it in a regression line: {@code "judge score factuality"} for a judge score. */
    String spokenLabel() {
        return criterion == null ? metric.column() : "judge score " + criterion;
    }

    boolean insufficientData() {
        return INSUFFICIENT_DATA.equals(test);
    }

    /** The p-value the verdict was decided on: the adjusted one when there is one. */
    Double decisiveP() {
        return pAdjusted != null ? pAdjusted : pValue;
    }

    Comparison withAdjusted(Double adjusted, Verdict newVerdict) {
        return new Comparison(metric, baselineMedian, currentMedian, changePct, pValue, nBaseline, nCurrent, test,
                newVerdict, adjusted, criterion);
    }
}
