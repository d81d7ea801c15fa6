package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Span;

import java.util.List;

import static dev.nightbench.report.ReportDocument.text;

/**
 * What a run's report says, in order, as a {@link ReportDocument}: run metadata, the comparison with the
 * baseline (its verdict and failed models first, above the metadata), per-model latency figures (serial cells), the load levels and sweeps, failures, trend charts, sample
 * answers and per-prompt figures. Every figure is named as in METRICS.md. Each section is its own class
 * ({@link RunInfoContent}, {@link BaselineContent}, {@link ModelsContent}, {@link LoadContent},
 * {@link FailuresContent}, {@link QualityContent} (plans with checks only), {@link TrendsContent},
 * {@link SamplesContent}, {@link AnswersContent}, {@link PromptsContent}); this one only puts them in order and closes
 * with the figures' definitions.
 */
final class ReportContent {

    private ReportContent() {
    }

    /**
     * @param chartProblem why the charts are missing, or null
     * @param answers      the answers' repeatability and changes against the newest baseline run
     */
    static ReportDocument build(ReportData data, TrendReport trend, List<TrendCharts.Chart> charts,
                                List<LoadCharts.Chart> loadCharts, String chartProblem, AnswersContent.Answers answers) {
        ReportData.Run run = data.run();
        ReportDocument doc = new ReportDocument("Nightbench run " + run.runId() + ": " + run.planName());
        RunInfoContent.banner(doc, run);
        BaselineContent.verdict(doc, data, trend);
        RunInfoContent.metadata(doc, data);
        BaselineContent.comparison(doc, trend);
        ModelsContent.models(doc, data);
        LoadContent.load(doc, data, loadCharts, chartProblem);
        FailuresContent.failures(doc, data);
        QualityContent.quality(doc, data.quality());
        TrendsContent.trends(doc, data, trend, charts, chartProblem);
        SamplesContent.samples(doc, data);
        AnswersContent.answers(doc, answers);
        PromptsContent.prompts(doc, data);
        doc.add(new ReportDocument.Paragraph(List.of(text("Figures are defined in METRICS.md: TTFT = t0 to the first "
                + "chunk carrying a token, content or reasoning_content; TTFO = t0 to the first content token (differs "
                + "from TTFT only for reasoning models); TPOT = (e2e − TTFT) / (output tokens − 1); decode_tps = its "
                + "inverse in tokens/s; e2e_tps = output tokens / e2e. Latencies over successful measured requests "
                + "(warm-up excluded), by their final attempt; p = percentile (linear interpolation). Requests flagged "
                + "burst or implausible_decode keep their TTFT and e2e but not their TPOT and decode_tps in the "
                + "figures (see Retries and plausibility)."))));
        return doc;
    }

    /** A sweep's one-line outcome; see {@link LoadContent#sweepLine} (also here: LoadReportTest reads it here). */
    static List<Span> sweepLine(ReportData.SweepResult w) {
        return LoadContent.sweepLine(w);
    }

    /** The figures named in a {@code slo_broken} text; see {@link LoadContent#brokenNames} (also read here). */
    static List<String> brokenNames(String sloBroken) {
        return LoadContent.brokenNames(sloBroken);
    }
}
