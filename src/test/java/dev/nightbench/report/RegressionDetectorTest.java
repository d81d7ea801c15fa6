package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RegressionDetectorTest {

    private final RegressionDetector detector = new RegressionDetector(0.10, 0.05);

    /** Log-normal latencies around {@code medianMs}, as real TTFTs look: skewed, with a tail. */
    private static double[] latencies(long seed, int n, double medianMs) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = medianMs * Math.exp(0.15 * random.nextGaussian());
        }
        return v;
    }

    private static double[] scaled(double[] values, double factor) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return v;
    }

    @Test
    void aLatencyDistributionShiftedUpByThirtyPercentIsRegressed() {
        double[] baseline = latencies(1, 50, 200);
        double[] current = scaled(latencies(2, 50, 200), 1.30);

        Comparison c = detector.compare(Metric.TTFT_MS, baseline, current);

        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSED);
        assertThat(c.changePct()).isBetween(20.0, 45.0);
        assertThat(c.pValue()).isLessThan(0.001);
        assertThat(c.nBaseline()).isEqualTo(50);
        assertThat(c.nCurrent()).isEqualTo(50);
        assertThat(c.test()).startsWith("Mann-Whitney U");
    }

    @Test
    void theSameDistributionWithFreshNoiseIsUnchanged() {
        Comparison c = detector.compare(Metric.E2E_MS, latencies(100, 25, 900), latencies(200, 25, 900));

        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
        assertThat(c.pValue()).isGreaterThan(0.05);
    }

    @Test
    void nightsDrawnFromOneDistributionRaiseFalseAlarmsNoMoreOftenThanAlpha() {
        int alarms = 0;
        int nights = 400;
        for (long seed = 0; seed < nights; seed++) {
            Comparison c = detector.compare(Metric.E2E_MS, latencies(1000 + seed, 25, 900), latencies(5000 + seed, 25, 900));
            alarms += c.verdict() == Verdict.UNCHANGED ? 0 : 1;
        }

        assertThat(alarms).isLessThanOrEqualTo((int) (0.05 * nights));
    }

    @Test
    void aLatencyDistributionShiftedDownIsImproved() {
        Comparison c = detector.compare(Metric.TPOT_MS, latencies(3, 30, 40), scaled(latencies(4, 30, 40), 0.7));

        assertThat(c.verdict()).isEqualTo(Verdict.IMPROVED);
        assertThat(c.changePct()).isNegative();
    }

    @Test
    void decodeThroughputFallingIsRegressedAndRisingIsImproved() {
        double[] baseline = latencies(5, 30, 50);

        assertThat(detector.compare(Metric.DECODE_TPS, baseline, scaled(latencies(6, 30, 50), 0.7)).verdict())
                .isEqualTo(Verdict.REGRESSED);
        assertThat(detector.compare(Metric.DECODE_TPS, baseline, scaled(latencies(6, 30, 50), 1.4)).verdict())
                .isEqualTo(Verdict.IMPROVED);
    }

    @Test
    void fewerThanThreeSamplesOnEitherSideIsInsufficientDataAndUnchanged() {
        Comparison c = detector.compare(Metric.TTFT_MS, new double[]{100, 110}, new double[]{900, 950, 990});

        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
        assertThat(c.insufficientData()).isTrue();
        assertThat(c.pValue()).isNull();
        assertThat(c.baselineMedian()).isEqualTo(105);
        assertThat(c.nBaseline()).isEqualTo(2);
    }

    @Test
    void aSignificantMoveSmallerThanTheThresholdIsUnchanged() {
        double[] baseline = latencies(7, 400, 100);

        Comparison c = detector.compare(Metric.TTFT_MS, baseline, scaled(baseline, 1.05));

        assertThat(c.pValue()).isLessThan(0.05);
        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
    }

    @Test
    void aLargeMoveWithinNoiseIsUnchanged() {
        Comparison c = detector.compare(Metric.TTFT_MS, new double[]{100, 300, 150}, new double[]{120, 310, 180});

        assertThat(c.changePct()).isGreaterThan(10);
        assertThat(c.pValue()).isGreaterThan(0.05);
        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
    }

    @Test
    void aSuccessRateDropBeyondNoiseIsRegressed() {
        Comparison c = detector.compareSuccess(250, 250, 200, 250);

        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSED);
        assertThat(c.baselineMedian()).isEqualTo(1.0);
        assertThat(c.currentMedian()).isEqualTo(0.8);
        assertThat(c.changePct()).isCloseTo(-20, within(1e-9));
        assertThat(c.test()).isEqualTo("Fisher's exact (two-sided)");
    }

    @Test
    void oneFailureInFiveIsWithinNoise() {
        assertThat(detector.compareSuccess(5, 5, 4, 5).verdict()).isEqualTo(Verdict.UNCHANGED);
    }

    @Test
    void aSuccessRateRiseBeyondNoiseIsImproved() {
        assertThat(detector.compareSuccess(100, 200, 190, 200).verdict()).isEqualTo(Verdict.IMPROVED);
    }

    @Test
    void aCheckPassRateDropIsComparedLikeSuccessRate() {
        Comparison c = detector.compareProportions(Metric.CHECK_PASS_RATE, 27, 27, 12, 27);

        assertThat(c.metric()).isEqualTo(Metric.CHECK_PASS_RATE);
        assertThat(c.verdict()).isEqualTo(Verdict.REGRESSED);
        assertThat(c.baselineMedian()).isEqualTo(1.0);
        assertThat(c.currentMedian()).isCloseTo(12 / 27.0, within(1e-12));
        assertThat(c.pValue()).isEqualTo(FisherExact.twoSided(27, 27, 12, 27)).isLessThan(1e-4);
        assertThat(c.test()).isEqualTo(FisherExact.NAME);
        assertThat(detector.compareProportions(Metric.CHECK_PASS_RATE, 2, 2, 0, 2).insufficientData()).isTrue();
        assertThatThrownBy(() -> detector.compare(Metric.CHECK_PASS_RATE, new double[3], new double[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> detector.compareProportions(Metric.E2E_MS, 1, 2, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aModelThatGotFasterAndWorseReadsAsARegression() {
        SampleSet base = new SampleSet();
        SampleSet cur = new SampleSet();
        for (int i = 0; i < 30; i++) {
            base.add("m", "p", "serial", 1, dev.nightbench.client.RequestStatus.OK, 100.0 + i, 10.0, 500.0 + i, 50.0);
            cur.add("m", "p", "serial", 1, dev.nightbench.client.RequestStatus.OK, 50.0 + i, 5.0, 250.0 + i, 100.0);
        }
        base.addChecks("m", "serial", 1, 30, 30);
        cur.addChecks("m", "serial", 1, 30, 15);

        var rows = TrendAnalysis.compare(base, cur, 0.10, 0.05);

        var pooled = rows.stream().filter(r -> r.key().promptId().equals(SampleSet.ALL_PROMPTS)).toList();
        assertThat(pooled).filteredOn(r -> r.comparison().metric() == Metric.E2E_MS).singleElement()
                .satisfies(r -> assertThat(r.comparison().verdict()).isEqualTo(Verdict.IMPROVED));
        assertThat(pooled).filteredOn(r -> r.comparison().metric() == Metric.CHECK_PASS_RATE).singleElement()
                .satisfies(r -> {
                    assertThat(r.comparison().verdict()).isEqualTo(Verdict.REGRESSED);
                    assertThat(r.comparison().pAdjusted()).isNull(); // per-model serial row: tested on its own
                });
        // per-prompt rows get no pass-rate comparison; a run without checks none at all
        assertThat(rows).filteredOn(r -> r.comparison().metric() == Metric.CHECK_PASS_RATE).hasSize(1);
        SampleSet unchecked = new SampleSet();
        unchecked.add("m", "p", "serial", 1, dev.nightbench.client.RequestStatus.OK, 1.0, 1.0, 1.0, 1.0);
        assertThat(TrendAnalysis.compare(unchecked, unchecked, 0.10, 0.05))
                .noneMatch(r -> r.comparison().metric() == Metric.CHECK_PASS_RATE);
    }

    @Test
    void medianInterpolatesLikePercentileCont() {
        assertThat(RegressionDetector.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(RegressionDetector.median(new double[]{5, 1, 3})).isEqualTo(3);
    }

    @Test
    void aThresholdOrAlphaOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new RegressionDetector(0, 0.05)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new RegressionDetector(0.1, 1)).hasMessageContaining("alpha");
    }

    @Test
    void judgeScoresCompareOnTheirMeanAndAreBetterHigher() {
        Comparison worse = detector.compareScores("factuality", new double[]{5, 5, 4, 5, 5, 5, 5, 4, 5, 5},
                new double[]{4, 4, 3, 4, 4, 3, 4, 3, 4, 3});
        Comparison small = detector.compareScores("factuality", new double[]{5, 5, 5, 5, 4, 5, 5, 5, 5, 5},
                new double[]{5, 5, 5, 4, 4, 5, 5, 5, 5, 5}); // 4.9 -> 4.8: within the 10 % threshold

        assertThat(worse.baselineMedian()).isEqualTo(4.8); // means, not medians
        assertThat(worse.currentMedian()).isEqualTo(3.6);
        assertThat(worse.verdict()).isEqualTo(Verdict.REGRESSED);
        assertThat(worse.label()).isEqualTo("judge_score factuality");
        assertThat(worse.spokenLabel()).isEqualTo("judge score factuality");
        assertThat(small.verdict()).isEqualTo(Verdict.UNCHANGED);
        assertThat(detector.compareScores("x", new double[]{5, 5}, new double[]{1, 1, 1}).insufficientData()).isTrue();
        assertThatThrownBy(() -> detector.compare(Metric.JUDGE_SCORE, new double[3], new double[3]))
                .hasMessageContaining("compareScores");
    }
}
