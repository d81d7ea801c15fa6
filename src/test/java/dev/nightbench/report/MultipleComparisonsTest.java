package dev.nightbench.report;

import dev.nightbench.client.RequestStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Benjamini–Hochberg against values computed by hand (R's {@code p.adjust(p, "BH")} gives the same), and what it
 * does to a night's per-prompt verdicts.
 */
class MultipleComparisonsTest {

    @Test
    void adjustedPValuesMatchAHandComputation() {
        // sorted: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4); p * m / rank = 0.02, 0.02, 0.04, 0.04; already monotone
        Double[] adjusted = BenjaminiHochberg.adjust(new Double[]{0.01, 0.04, 0.03, 0.005});

        assertThat(adjusted[0]).isCloseTo(0.02, within(1e-12));
        assertThat(adjusted[1]).isCloseTo(0.04, within(1e-12));
        assertThat(adjusted[2]).isCloseTo(0.04, within(1e-12));
        assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
    }

    @Test
    void theStepUpTakesTheSmallestValueFromTheTopAndUntestedComparisonsDoNotCount() {
        // m = 5 (the null is not a test). sorted 0.01, 0.012, 0.04, 0.20, 0.90 → p * 5 / rank =
        // 0.05, 0.03, 0.0667, 0.25, 0.90; running minimum from the largest: 0.03, 0.03, 0.0667, 0.25, 0.90
        Double[] adjusted = BenjaminiHochberg.adjust(new Double[]{0.20, null, 0.01, 0.90, 0.012, 0.04});

        assertThat(adjusted[0]).isCloseTo(0.25, within(1e-12));
        assertThat(adjusted[1]).isNull();
        assertThat(adjusted[2]).isCloseTo(0.03, within(1e-12));
        assertThat(adjusted[3]).isCloseTo(0.90, within(1e-12));
        assertThat(adjusted[4]).isCloseTo(0.03, within(1e-12));
        assertThat(adjusted[5]).isCloseTo(0.2 / 3, within(1e-12));
    }

    @Test
    void tiesShareTheirAdjustedValueAndNothingExceedsOne() {
        assertThat(BenjaminiHochberg.adjust(new Double[]{0.02, 0.02})).containsExactly(0.02, 0.02);
        assertThat(BenjaminiHochberg.adjust(new Double[]{0.6, 0.7, 1.0})).containsExactly(1.0, 1.0, 1.0);
        assertThat(BenjaminiHochberg.adjust(new Double[]{})).isEmpty();
        assertThatThrownBy(() -> BenjaminiHochberg.adjust(new Double[]{1.5})).hasMessageContaining("outside");
    }

    @Test
    void aComparisonSignificantOnItsOwnButNotAfterAdjustmentIsUnchangedAndKeepsItsRawP() {
        RegressionDetector detector = new RegressionDetector(0.10, 0.05);
        Comparison raw = new Comparison(Metric.TTFT_MS, 100.0, 130.0, 30.0, 0.04, 20, 20, MannWhitneyU.NAME,
                Verdict.REGRESSED);

        Comparison adjusted = detector.adjusted(raw, 0.2 / 3);

        assertThat(adjusted.verdict()).isEqualTo(Verdict.UNCHANGED);
        assertThat(adjusted.pValue()).isEqualTo(0.04);
        assertThat(adjusted.pAdjusted()).isCloseTo(0.0667, within(1e-4));
        assertThat(detector.adjusted(raw, 0.03).verdict()).isEqualTo(Verdict.REGRESSED);
    }

    /** A night of a big plan: models × prompts × rounds, every request drawn from the model's own distribution. */
    private static SampleSet night(long seed, int models, int prompts, int rounds, String slowModel, double slowdown) {
        Random random = new Random(seed);
        SampleSet set = new SampleSet();
        for (int m = 0; m < models; m++) {
            double factor = ("m" + m).equals(slowModel) ? slowdown : 1;
            for (int p = 0; p < prompts; p++) {
                for (int r = 0; r < rounds; r++) {
                    double ttft = (100 + 10 * m) * Math.exp(0.15 * random.nextGaussian()) * factor;
                    double tpot = (10 + m / 2.0) * Math.exp(0.15 * random.nextGaussian()) * factor;
                    set.add("m" + m, "p" + p, "serial", 1, RequestStatus.OK, ttft, tpot, ttft + 99 * tpot, 1000 / tpot);
                }
            }
        }
        return set;
    }

    private static long regressedPerPrompt(List<TrendAnalysis.Row> rows) {
        return rows.stream().filter(r -> !SampleSet.ALL_PROMPTS.equals(r.key().promptId()))
                .filter(r -> r.comparison().verdict() == Verdict.REGRESSED).count();
    }

    @Test
    void unchangedModelsRaiseFalseAlarmsPerPromptWithoutCorrectionAndNoneWithIt() {
        // 20 models x 50 prompts x 5 rounds, nothing changed: each per-prompt test on its own errs about 1 % of the time
        SampleSet baseline = night(1, 20, 50, 5, null, 1);
        SampleSet current = night(2, 20, 50, 5, null, 1);

        List<TrendAnalysis.Row> rows = TrendAnalysis.compare(baseline, current, 0.10, 0.05);

        long uncorrected = rows.stream().filter(r -> !SampleSet.ALL_PROMPTS.equals(r.key().promptId()))
                .filter(r -> r.comparison().pValue() != null && r.comparison().pValue() < 0.05)
                .filter(r -> new RegressionDetector(0.10, 0.05).adjusted(r.comparison(), r.comparison().pValue())
                        .verdict() == Verdict.REGRESSED)
                .count();
        assertThat(uncorrected).as("regressed per-prompt verdicts on raw p-values").isPositive();
        assertThat(regressedPerPrompt(rows)).isZero();
        assertThat(rows).filteredOn(r -> !SampleSet.ALL_PROMPTS.equals(r.key().promptId())
                        && r.comparison().pValue() != null)
                .allSatisfy(r -> assertThat(r.comparison().pAdjusted()).isGreaterThanOrEqualTo(r.comparison().pValue()));
        assertThat(rows).filteredOn(r -> SampleSet.ALL_PROMPTS.equals(r.key().promptId()))
                .allSatisfy(r -> assertThat(r.comparison().pAdjusted()).isNull());
    }

    @Test
    void aModelSlowerOnEveryPromptIsStillFlaggedPooledAndPerPromptWithEnoughRounds() {
        SampleSet baseline = night(3, 10, 20, 20, null, 1);
        SampleSet current = night(4, 10, 20, 20, "m3", 1.3);

        List<TrendAnalysis.Row> rows = TrendAnalysis.compare(baseline, current, 0.10, 0.05);

        assertThat(rows).filteredOn(r -> r.key().modelAlias().equals("m3") && r.key().promptId().equals("*")
                        && r.comparison().metric() != Metric.SUCCESS_RATE)
                .allSatisfy(r -> assertThat(r.comparison().verdict()).isEqualTo(Verdict.REGRESSED));
        // 20 prompts x 4 metrics, each far beyond noise: the correction keeps (nearly) all of them
        long discoveries = regressedPerPrompt(rows);
        assertThat(discoveries).isGreaterThanOrEqualTo(70);
        // and the false discovery rate is what it bounds: among so many true findings a chance one may pass, at
        // most alpha of them
        long falseDiscoveries = rows.stream().filter(r -> !SampleSet.ALL_PROMPTS.equals(r.key().promptId()))
                .filter(r -> r.comparison().verdict() == Verdict.REGRESSED && !r.key().modelAlias().equals("m3"))
                .count();
        assertThat(falseDiscoveries).isLessThanOrEqualTo((long) (0.05 * discoveries));
        assertThat(rows).filteredOn(r -> SampleSet.ALL_PROMPTS.equals(r.key().promptId())
                        && r.comparison().verdict() == Verdict.REGRESSED)
                .allSatisfy(r -> assertThat(r.key().modelAlias()).isEqualTo("m3"));
    }

    /** Load levels of a night: each model at each concurrency, prompts cycled, from one distribution per model. */
    private static SampleSet loadNight(long seed, int models, int levels, int requests, String slowModel) {
        Random random = new Random(seed);
        SampleSet set = new SampleSet();
        for (int m = 0; m < models; m++) {
            double factor = ("m" + m).equals(slowModel) ? 1.4 : 1;
            for (int l = 0; l < levels; l++) {
                for (int i = 0; i < requests; i++) {
                    double ttft = (100 + 10 * m) * (1 + l / 4.0) * Math.exp(0.3 * random.nextGaussian()) * factor;
                    double tpot = (10 + m / 2.0) * Math.exp(0.3 * random.nextGaussian()) * factor;
                    set.add("m" + m, "p" + i % 7, "concurrency", 1 << l, RequestStatus.OK, ttft, tpot, ttft + 99 * tpot, 1000 / tpot);
                }
            }
        }
        return set;
    }

    @Test
    void loadLevelsAreComparedPerModelOnlyAndCorrectedAsAFamilyOfTheirOwn() {
        // 30 models x 6 levels x 32 requests: 180 level comparisons a metric, nothing changed but m4
        List<TrendAnalysis.Row> rows = TrendAnalysis.compare(loadNight(5, 30, 6, 32, null),
                loadNight(6, 30, 6, 32, "m4"), 0.10, 0.05);

        assertThat(rows).allSatisfy(r -> assertThat(r.key().promptId()).isEqualTo(SampleSet.ALL_PROMPTS));
        assertThat(rows).filteredOn(r -> r.comparison().pValue() != null)
                .allSatisfy(r -> assertThat(r.comparison().pAdjusted()).isGreaterThanOrEqualTo(r.comparison().pValue()));
        assertThat(rows).filteredOn(r -> r.comparison().verdict() == Verdict.REGRESSED)
                .isNotEmpty().allSatisfy(r -> assertThat(r.key().modelAlias()).isEqualTo("m4"));
        // on raw p-values the unchanged models would have raised false alarms
        RegressionDetector detector = new RegressionDetector(0.10, 0.05);
        assertThat(rows).filteredOn(r -> !r.key().modelAlias().equals("m4") && r.comparison().pValue() != null
                        && detector.adjusted(r.comparison(), r.comparison().pValue()).verdict() == Verdict.REGRESSED)
                .isNotEmpty();
    }
}
