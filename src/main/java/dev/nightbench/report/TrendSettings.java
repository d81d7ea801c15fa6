package dev.nightbench.report;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a run is compared with its baseline and how far back the trend charts look, from
 * {@code nightbench.report.*} (e.g. {@code NIGHTBENCH_REPORT_MODE=LAST_N}, {@code NIGHTBENCH_REPORT_LAST_N=7}).
 * Bound as the {@code report} branch of the application's one settings tree and handed to the report service as a
 * bean of its own, so {@code report} never sees the tree's root.
 *
 * @param mode        which earlier run(s) are the baseline (default {@link BaselineMode#PREVIOUS})
 * @param lastN       how many completed runs {@link BaselineMode#LAST_N} pools (default 7)
 * @param pinnedRunId the baseline run for {@link BaselineMode#PINNED}
 * @param threshold   relative move of a median that matters, as a fraction: 0.10 (the default) = 10 %
 * @param alpha       significance level of the two-sided tests (default 0.05)
 * @param trendRuns   how many runs of the plan, this one included, the trend charts show (default 30)
 */
public record TrendSettings(@DefaultValue("PREVIOUS") BaselineMode mode, @DefaultValue("7") int lastN,
                            Long pinnedRunId, @DefaultValue("0.10") double threshold,
                            @DefaultValue("0.05") double alpha, @DefaultValue("30") int trendRuns) {

    @ConstructorBinding
    public TrendSettings {
        if (mode == null) {
            mode = BaselineMode.PREVIOUS;
        }
        if (lastN < 1) {
            throw new IllegalArgumentException("nightbench.report.last-n must be at least 1, not " + lastN);
        }
        if (mode == BaselineMode.PINNED && pinnedRunId == null) {
            throw new IllegalArgumentException("nightbench.report.mode=PINNED needs nightbench.report.pinned-run-id");
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("nightbench.report.threshold is a fraction (0.10 = 10 %) above 0 "
                    + "and at most 1, not " + threshold);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("nightbench.report.alpha must lie between 0 and 1, not " + alpha);
        }
        if (trendRuns < 1) {
            throw new IllegalArgumentException("nightbench.report.trend-runs must be at least 1, not " + trendRuns);
        }
    }

    /** Settings with the default chart window of 30 runs. */
    public TrendSettings(BaselineMode mode, int lastN, Long pinnedRunId, double threshold, double alpha) {
        this(mode, lastN, pinnedRunId, threshold, alpha, 30);
    }

    /** Previous completed run, 10 % threshold, alpha 0.05, 30 runs of trend. */
    public static TrendSettings defaults() {
        return new TrendSettings(BaselineMode.PREVIOUS, 7, null, 0.10, 0.05, 30);
    }

    /** How many baseline runs to look for. */
    int baselineRuns() {
        return mode == BaselineMode.LAST_N ? lastN : 1;
    }
}
