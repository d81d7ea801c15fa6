package dev.nightbench.report;

import dev.nightbench.store.ComparisonStore;
import dev.nightbench.store.ModelAvailability;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.awt.AWTError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Writes a run's report under {@code reports/<run-date>_<run-id>_<database>/} ({@link ReportFolders}): {@code report.md}, a self-contained
 * {@code report.html}, {@code summary.csv}, {@code quality.csv} (runs with checks or a judge: {@link QualityCsv}),
 * {@code comparisons.csv}, {@code requests.csv}, {@code results.json} ({@link ResultsJson}), one trend chart PNG per
 * model and one load chart PNG per model and load mode; and copies the newest run's report to
 * {@code reports/latest.md} and {@code reports/latest.html} (when they are this database's, see {@link ReportFolders}).
 *
 * <p>Writing a report first compares the run with its baseline ({@link TrendSettings}) and stores the result in
 * {@code comparisons}, replacing any earlier result, so any run's report and comparison can be regenerated from
 * the database at any time, and {@link #hasRegressions(long)} answers from what was stored.
 *
 * <p>Its settings come as beans of their own, {@link TrendSettings} and the {@link Directory}, branches of the
 * application's one settings tree, so {@code report} never sees the tree's root.
 */
@Service
public class ReportService {

    private static final Logger log = LoggerFactory.getLogger(ReportService.class);

    static final List<String> REQUEST_COLUMNS = List.of("run_id", "phase", "cell_index", "request_index", "attempt",
            "is_final", "model_alias", "prompt_id", "round", "load_mode", "load_level", "scheduled_lag_ms", "status",
            "error_type", "error_message", "http_status", "started_at", "streamed", "simulated", "prep_ms", "ttft_ms", "ttfo_ms",
            "e2e_ms", "total_ms", "prompt_tokens", "output_tokens", "tokens_source", "output_tokens_estimate",
            "tokens_diff_pct", "tpot_ms", "decode_tps", "e2e_tps", "chunk_count", "gap_mean_ms", "gap_p50_ms",
            "gap_p95_ms", "gap_max_ms", "finish_reason", "backoff_ms", "flags", "pipeline", "stage", "cached_tokens",
            "prompt_tokens_source");

    private final ReportRepository repository;
    private final ComparisonStore comparisons;
    private final TrendSettings settings;
    private final Path reportsDir;
    private volatile String databaseId;

    /** Where reports are written: {@code nightbench.reports-dir} (default {@code reports}). */
    public record Directory(Path path) {
    }

    @Autowired
    ReportService(ReportRepository repository, ComparisonStore comparisons, TrendSettings settings, Directory reportsDir) {
        this(repository, comparisons, settings, reportsDir.path());
    }

    /** Without Spring, as the tests build it. */
    ReportService(ReportRepository repository, ComparisonStore comparisons, TrendSettings settings, Path reportsDir) {
        this.repository = repository;
        this.comparisons = comparisons;
        this.settings = settings;
        this.reportsDir = reportsDir;
        TrendCharts.warmUpInBackground();
    }

    /** This database's id (V31), read once: it names the report folders ({@link ReportFolders}). */
    private String databaseId() {
        String id = databaseId;
        if (id == null) {
            id = repository.read(ReportFolders::databaseId);
            databaseId = id;
        }
        return id;
    }

    /** The run's report directory, {@code reports/<run-date>_<run-id>_<database>} ({@link ReportFolders}). */
    public Path folder(long runId) {
        ReportData.Run run = repository.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + runId));
        return folder(run);
    }

    private Path folder(ReportData.Run run) {
        return ReportFolders.dir(reportsDir, run, databaseId());
    }

    /** Compares the run with its baseline, stores the comparison and writes the run's report; returns its directory. */
    public Path write(long runId) {
        long started = System.nanoTime();
        ReportData.Run run = repository.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + runId));
        Path dir = folder(run);
        ReportData.Slo slo = repository.slo(runId);
        List<ReportData.LoadLevel> loadLevels = repository.loadLevels(runId);
        List<String> modelOrder = repository.modelOrder(runId);
        List<TrendReport.TrendPoint> points = repository.trend(run, settings.trendRuns());
        List<QualityTrend.Point> quality = repository.qualityTrend(run, settings.trendRuns());
        // the charts need only the trend points and the load levels: draw them while the database loads and compares
        CompletableFuture<Charts> drawing = CompletableFuture.supplyAsync(
                () -> new Charts(TrendCharts.render(points, quality, modelOrder),
                        LoadCharts.render(loadLevels, slo, modelOrder)),
                ReportService::daemon);
        ReportData data = repository.load(run, slo, loadLevels);
        long loaded = System.nanoTime();
        TrendReport trend = compare(data.run(), points);
        long compared = System.nanoTime();
        Charts charts = new Charts(List.of(), List.of());
        String chartProblem = null;
        try {
            charts = drawing.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (!(cause instanceof RuntimeException || cause instanceof AWTError || cause instanceof LinkageError
                    || cause instanceof InternalError)) {
                throw e;
            }
            // a host without fonts or AWT libraries still gets its report, without pictures
            chartProblem = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            log.warn("Charts for run {} could not be drawn: {}", runId, chartProblem);
        }
        long drawn = System.nanoTime();
        Visibility visibility = repository.visibility(runId);
        ReportDocument doc = StoredReport.document(repository, settings, data, trend, charts.trend(), charts.load(),
                chartProblem, visibility);
        try {
            Files.createDirectories(dir);
            for (TrendCharts.Chart c : charts.trend()) {
                Files.write(dir.resolve(c.fileName()), c.png());
            }
            for (LoadCharts.Chart c : charts.load()) {
                Files.write(dir.resolve(c.fileName()), c.png());
            }
            String html = HtmlRenderer.render(doc);
            Files.writeString(dir.resolve("report.md"), MarkdownRenderer.render(doc, ""), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
            SummaryCsv.write(data, dir.resolve("summary.csv"));
            QualityCsv.write(runId, data.quality(), dir.resolve("quality.csv"));
            writeComparisonsCsv(runId, trend, dir.resolve("comparisons.csv"));
            writeRequestsCsv(runId, dir.resolve("requests.csv"));
            Files.writeString(dir.resolve(ResultsJson.FILE), ResultsJson.render(repository, data, visibility),
                    StandardCharsets.UTF_8);
            // latest.md sits one level up, so its image links gain the run's directory
            ReportFolders.latest(reportsDir, databaseId(), repository.isNewestRun(runId), dir,
                    () -> MarkdownRenderer.render(doc, dir.getFileName() + "/"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir, e);
        }
        long done = System.nanoTime();
        log.info("Report written to {} in {} ms (load {}, compare {}, then waiting for charts {}, files {}): "
                        + "{} comparison(s) with baseline {}, {} regressed, {} improved", dir, (done - started) / 1_000_000,
                (loaded - started) / 1_000_000, (compared - loaded) / 1_000_000, (drawn - compared) / 1_000_000,
                (done - drawn) / 1_000_000, trend.comparisons().size(),
                trend.baseline().stream().map(b -> String.valueOf(b.runId())).collect(Collectors.joining(",", "[", "]")),
                trend.count(Verdict.REGRESSED), trend.count(Verdict.IMPROVED));
        return dir;
    }

    /**
     * True when the run's stored comparison (written by {@link #write(long)}) has a regressed metric, i.e. a row
     * in the {@code run_regressions} view: a per-model latency comparison (all prompts pooled) regressed at alpha, or
     * a per-prompt or load-level one at a false discovery rate of alpha (Benjamini–Hochberg, see
     * {@link TrendAnalysis}).
     */
    public boolean hasRegressions(long runId) {
        return repository.hasRegressions(runId);
    }

    /**
     * The run's regressed comparisons (the {@code run_regressions} view) named for a person, e.g.
     * {@code "sim-fast check_pass_rate 100.0% -> 59.3%"} or {@code "sim-medium judge score factuality 4.67 -> 2.13"},
     * per-prompt and load-level ones with their prompt or load.
     */
    public List<String> regressions(long runId) {
        return repository.regressions(runId);
    }

    /**
     * The run's {@code results.json} ({@link ResultsJson}) as {@link #write} writes it, from what is stored: the
     * stored comparison is read, not redone, and no file is written.
     */
    public String resultsJson(long runId) {
        return ResultsJson.render(repository, runId);
    }

    /**
     * The run's report as {@code report.html} shows it, built from the database with the comparison stored by
     * {@link #write} (not redone): nothing is written, neither rows nor files ({@link StoredReport}).
     *
     * @param banner trusted HTML put first in the page's body (a caller's navigation), null for none
     * @throws IllegalArgumentException when there is no such run
     */
    public String html(long runId, String banner) {
        return HtmlRenderer.render(StoredReport.fromStore(repository, settings, runId), banner);
    }

    /** Rewrites {@code results.json} of a run whose report was written, from what is stored now (the job's end). */
    public void refreshResultsJson(long runId) {
        ResultsJson.refresh(repository, reportsDir, runId, databaseId());
    }

    private record Charts(List<TrendCharts.Chart> trend, List<LoadCharts.Chart> load) {
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "report-charts");
        t.setDaemon(true);
        t.start();
    }

    /** Finds the baseline, compares, replaces the stored comparisons and reads them back through the view. */
    TrendReport compare(ReportData.Run run, List<TrendReport.TrendPoint> trend) {
        var pruned = PrunedRuns.prunedAt(repository, run.runId()); // its samples are gone: the stored comparison stands
        if (pruned.isPresent()) {
            return PrunedRuns.storedComparison(repository, settings, run.runId(), pruned.get(), trend);
        }
        List<TrendReport.BaselineRun> baseline = new ArrayList<>();
        String noBaseline = null;
        if (settings.mode() == BaselineMode.PINNED) {
            if (settings.pinnedRunId() == run.runId()) {
                noBaseline = "the pinned baseline run " + run.runId() + " is this run";
            } else {
                repository.baselineRun(settings.pinnedRunId()).ifPresent(baseline::add);
                if (baseline.isEmpty()) {
                    noBaseline = "the pinned baseline run " + settings.pinnedRunId() + " does not exist";
                }
            }
        } else {
            baseline.addAll(repository.previousCompletedRuns(run, settings.baselineRuns()));
            if (baseline.isEmpty()) {
                noBaseline = "no completed run of plan '" + run.planName() + "' before this one";
            }
        }
        if (baseline.isEmpty()) {
            comparisons.delete(run.runId());
            return new TrendReport(settings, List.of(), noBaseline, PlanChanges.NONE, List.of(), 0, 0, trend);
        }
        List<Long> baselineIds = baseline.stream().map(TrendReport.BaselineRun::runId).toList();
        List<Long> allIds = new ArrayList<>(baselineIds);
        allIds.add(run.runId());
        PlanChanges changes = PlanChanges.between(new PlanChanges.RunPlan(run.runId(), run.planHash()),
                baseline.stream().map(b -> new PlanChanges.RunPlan(b.runId(), b.planHash())).toList(),
                repository.prompts(allIds), repository.models(allIds), repository.promptSources(allIds));
        SampleSet current = repository.currentSamples(run.runId(), baselineIds);
        SampleSet base = repository.baselineSamples(run.runId(), baselineIds);
        List<TrendAnalysis.Row> rows = TrendAnalysis.compare(base, current, settings.threshold(), settings.alpha());
        comparisons.replace(run.runId(), new ComparisonStore.Baseline(settings.mode().name().toLowerCase(Locale.ROOT),
                baselineIds, settings.threshold() * 100, settings.alpha()), comparisonRows(rows));
        return new TrendReport(settings, baseline, null, changes, repository.comparisons(run.runId()),
                current.requests(), base.requests(), trend);
    }

    /** The comparison rows as {@code comparisons} stores them. */
    private static List<ComparisonStore.ComparisonRow> comparisonRows(List<TrendAnalysis.Row> rows) {
        List<ComparisonStore.ComparisonRow> stored = new ArrayList<>(rows.size());
        for (TrendAnalysis.Row row : rows) {
            Comparison c = row.comparison();
            stored.add(new ComparisonStore.ComparisonRow(row.key().modelAlias(), row.key().promptId(),
                    row.key().loadMode(), row.key().loadLevel(), c.metric().column(), c.baselineMedian(),
                    c.currentMedian(), c.changePct(), c.pValue(), c.pAdjusted(), c.nBaseline(), c.nCurrent(), c.test(),
                    c.verdict().column(), c.criterion()));
        }
        return stored;
    }

    private static void writeComparisonsCsv(long runId, TrendReport trend, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader("run_id", "baseline_run_ids", "model_alias",
                "prompt_id", "load_mode", "load_level", "metric", "baseline_median", "current_median", "change_pct",
                "p_value", "n_baseline", "n_current", "test", "verdict", "p_adjusted", "criterion").get();
        String baseline = trend.baseline().stream().map(b -> String.valueOf(b.runId())).collect(Collectors.joining(" "));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            for (TrendAnalysis.Row r : trend.comparisons()) {
                Comparison c = r.comparison();
                csv.printRecord(runId, baseline, r.key().modelAlias(), r.key().promptId(), r.key().loadMode(),
                        r.key().loadLevel(), c.metric().column(), c.baselineMedian(), c.currentMedian(), c.changePct(),
                        c.pValue(), c.nBaseline(), c.nCurrent(), c.test(), c.verdict().column(), c.pAdjusted(),
                        c.criterion());
            }
        }
    }

    private void writeRequestsCsv(long runId, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(REQUEST_COLUMNS.toArray(String[]::new)).get();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            repository.requests(runId, REQUEST_COLUMNS, row -> {
                try {
                    csv.printRecord(row);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
