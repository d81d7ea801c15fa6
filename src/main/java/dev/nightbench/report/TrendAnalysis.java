package dev.nightbench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a run's samples with its baseline's, metric by metric, for every model (all prompts pooled) and
 * every model and prompt, under each load; the answer checks' pass rate per model and load (all prompts pooled) when
 * both sides have checked answers; the judge's scores per model and criterion (all prompts pooled) when both sides
 * have scores of that criterion. Keys present on one side only (a model or prompt added or removed)
 * are not compared: the report lists them as plan changes instead.
 *
 * <p>Comparisons that come by the hundred are corrected for multiple comparisons with {@link BenjaminiHochberg},
 * their verdicts decided on the adjusted p-values: the per-prompt comparisons of the latency cells (models ×
 * prompts) across the run, for each metric; and likewise the load levels' comparisons (models × levels), a family
 * of their own. The per-model comparisons of the latency cells (all prompts pooled), one per model and metric and
 * on many more samples each, are tested on their own at alpha.
 */
final class TrendAnalysis {

    /** One comparison and what it is about. */
    record Row(SampleSet.Key key, Comparison comparison) {

        /**
         * The row named for a person, "model[ prompt P][ @ load] metric baseline -> current", a judge score as
         * "judge score CRITERION" with its mean scores ("sim-medium judge score factuality 4.67 -> 2.13").
         */
        String spoken() {
            return key.modelAlias() + (SampleSet.ALL_PROMPTS.equals(key.promptId()) ? "" : " prompt " + key.promptId())
                    + Format.load(key.loadMode(), key.loadLevel()) + " " + comparison.spokenLabel() + " "
                    + Format.value(comparison.metric(), comparison.baselineMedian()) + " -> "
                    + Format.value(comparison.metric(), comparison.currentMedian());
        }
    }

    private static final Metric[] SAMPLED = {Metric.TTFT_MS, Metric.TPOT_MS, Metric.E2E_MS, Metric.DECODE_TPS};

    private TrendAnalysis() {
    }

    static List<Row> compare(SampleSet baseline, SampleSet current, double threshold, double alpha) {
        RegressionDetector detector = new RegressionDetector(threshold, alpha);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<SampleSet.Key, SampleSet.Samples> e : current.byKey().entrySet()) {
            SampleSet.Samples base = baseline.byKey().get(e.getKey());
            if (base == null) {
                continue;
            }
            SampleSet.Samples cur = e.getValue();
            for (Metric m : SAMPLED) {
                rows.add(new Row(e.getKey(), detector.compare(m, base.values(m), cur.values(m))));
            }
            rows.add(new Row(e.getKey(), detector.compareSuccess(base.ok(), base.requests(), cur.ok(), cur.requests())));
            if (base.checks() > 0 && cur.checks() > 0) { // runs without answer checks compare as they always did
                rows.add(new Row(e.getKey(), detector.compareProportions(Metric.CHECK_PASS_RATE, base.checkPasses(),
                        base.checks(), cur.checkPasses(), cur.checks())));
            }
            for (String criterion : cur.criteria()) { // only criteria the judge scored on both sides
                if (base.criteria().contains(criterion)) {
                    rows.add(new Row(e.getKey(), detector.compareScores(criterion, base.scores(criterion),
                            cur.scores(criterion))));
                }
            }
        }
        return correct(rows, detector);
    }

    /** Which family a row's p-value is adjusted in, or null for a row tested on its own. */
    enum Family {
        PER_PROMPT, LOAD_LEVELS;

        static Family of(SampleSet.Key key) {
            if (!SampleSet.ALL_PROMPTS.equals(key.promptId())) {
                return PER_PROMPT;
            }
            return SampleSet.SERIAL.equals(key.loadMode()) ? null : LOAD_LEVELS;
        }
    }

    /**
     * Benjamini–Hochberg in each family (per-prompt rows; load-level rows) of each metric (a judge score: of each
     * criterion); the per-model latency rows are left as they are.
     */
    static List<Row> correct(List<Row> rows, RegressionDetector detector) {
        List<Row> corrected = new ArrayList<>(rows);
        Set<String> labels = new LinkedHashSet<>();
        rows.forEach(r -> labels.add(r.comparison().label()));
        for (Family f : Family.values()) {
            for (String label : labels) {
                List<Integer> family = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    Row r = rows.get(i);
                    if (r.comparison().label().equals(label) && Family.of(r.key()) == f) {
                        family.add(i);
                    }
                }
                Double[] p = family.stream().map(i -> rows.get(i).comparison().pValue()).toArray(Double[]::new);
                Double[] adjusted = BenjaminiHochberg.adjust(p);
                for (int k = 0; k < family.size(); k++) {
                    Row r = rows.get(family.get(k));
                    corrected.set(family.get(k), new Row(r.key(), detector.adjusted(r.comparison(), adjusted[k])));
                }
            }
        }
        return corrected;
    }
}
