package dev.nightbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares a run's samples with its baseline's, metric by metric, for every model (all prompts pooled) and
 * every model and prompt, under each load. Keys present on one side only (a model or prompt added or removed)
 * are not compared: the report lists them as plan changes instead.
 */
final class TrendAnalysis {

    /** One comparison and what it is about. */
    record Row(SampleSet.Key key, Comparison comparison) {
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
        }
        return rows;
    }
}
