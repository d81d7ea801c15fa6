package dev.nightbench.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The outcome of {@link RunComparer#compare}: the document, rendered on demand as Markdown, self-contained HTML or
 * CSV (one line per comparison, the columns of a report's {@code comparisons.csv} with both run ids), and the
 * regressed comparisons named for a person.
 */
public final class RunComparison {

    /** The CSV's columns. */
    static final List<String> CSV_COLUMNS = List.of("baseline_run_id", "candidate_run_id", "model_alias", "prompt_id",
            "load_mode", "load_level", "metric", "criterion", "baseline_median", "candidate_median", "change_pct",
            "p_value", "p_adjusted", "n_baseline", "n_candidate", "test", "verdict");

    private final long baseline;
    private final long candidate;
    private final ReportDocument doc;
    private final List<TrendAnalysis.Row> rows;

    RunComparison(long baseline, long candidate, ReportDocument doc, List<TrendAnalysis.Row> rows) {
        this.baseline = baseline;
        this.candidate = candidate;
        this.doc = doc;
        this.rows = List.copyOf(rows);
    }

    public long baseline() {
        return baseline;
    }

    public long candidate() {
        return candidate;
    }

    public String markdown() {
        return MarkdownRenderer.render(doc, "");
    }

    public String html() {
        return HtmlRenderer.render(doc);
    }

    /** The HTML with {@code banner}, trusted HTML of the caller's (the dashboard's navigation), first in the body. */
    public String html(String banner) {
        return HtmlRenderer.render(doc, banner);
    }

    public String csv() {
        StringWriter w = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder()
                .setHeader(CSV_COLUMNS.toArray(String[]::new)).get())) {
            for (TrendAnalysis.Row r : rows) {
                Comparison c = r.comparison();
                csv.printRecord(baseline, candidate, r.key().modelAlias(), r.key().promptId(), r.key().loadMode(),
                        r.key().loadLevel(), c.metric().column(), c.criterion(), c.baselineMedian(), c.currentMedian(),
                        c.changePct(), c.pValue(), c.pAdjusted(), c.nBaseline(), c.nCurrent(), c.test(),
                        c.verdict().column());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** True when B regressed against A in some comparison (what {@code --fail-on-regression} exits 3 on). */
    public boolean regressed() {
        return rows.stream().anyMatch(r -> r.comparison().verdict() == Verdict.REGRESSED);
    }

    /** The regressed comparisons, e.g. {@code "sim-medium e2e_ms 450.1 ms -> 901.3 ms"}. */
    public List<String> regressions() {
        return rows.stream().filter(r -> r.comparison().verdict() == Verdict.REGRESSED)
                .map(TrendAnalysis.Row::spoken).toList();
    }
}
