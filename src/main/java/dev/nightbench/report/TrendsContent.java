package dev.nightbench.report;

import java.util.List;

import static dev.nightbench.report.ReportDocument.text;

/**
 * The report's "Trends" section: which runs the trend covers and one chart per model ({@link TrendCharts}), or why
 * the charts could not be drawn.
 */
final class TrendsContent {

    private TrendsContent() {
    }

    static void trends(ReportDocument doc, ReportData data, TrendReport trend, List<TrendCharts.Chart> charts,
                               String chartProblem) {
        doc.add(new ReportDocument.Heading(2, "Trends"));
        long runs = trend.trend().stream().map(TrendReport.TrendPoint::runId).distinct().count();
        doc.add(new ReportDocument.Paragraph(List.of(text("The last " + runs + " run(s) of plan " + data.run().planName()
                + " (up to " + trend.settings().trendRuns() + ": this run and the completed runs before it), serial "
                + "load, from the model_summaries view: TTFT p50 and p95, decode tokens/s p50 and success rate."))));
        if (chartProblem != null) {
            doc.add(new ReportDocument.Note(List.of(text("The charts could not be drawn: " + chartProblem)), true));
        }
        if (charts.stream().anyMatch(TrendCharts.Chart::quality)) {
            doc.add(new ReportDocument.Paragraph(List.of(text("Quality over the same runs, below each model's latency "
                    + "chart: the answer checks' pass rate (model_quality view) and the judge's mean score per rubric "
                    + "criterion, 1-5 (model_scores view)."))));
        }
        String heading = null;
        for (TrendCharts.Chart c : charts) {
            if (!c.modelAlias().equals(heading)) { // a model's quality chart follows its latency chart
                doc.add(new ReportDocument.Heading(3, c.modelAlias()));
                heading = c.modelAlias();
            }
            doc.add(new ReportDocument.Image(c.quality() ? "Quality trend of " + c.modelAlias() + ": check pass rate, "
                    + "mean judge score per criterion" : "Trend of " + c.modelAlias() + ": TTFT p50/p95, decode "
                    + "tokens/s, success rate", c.fileName(), c.png()));
        }
    }
}
