package dev.nightbench.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.AWTError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's report document as {@link ReportService#write} builds it, in two parts: the sections every report has once
 * its data, comparison and charts are at hand ({@link #document}, which {@code write} uses too), and the whole
 * document from what is stored alone ({@link #fromStore}), for the dashboard's run page. The latter reads the run's
 * stored comparison (the {@code comparisons} rows {@code write} left, with the baseline and settings they were made
 * with) instead of comparing again: a page view never replaces what {@code run_regressions} and
 * {@code --fail-on-regression} read, and writes nothing, neither rows nor files.
 */
final class StoredReport {

    private static final Logger log = LoggerFactory.getLogger(StoredReport.class);

    private StoredReport() {
    }

    /** The report's sections for a run whose data, comparison and charts are ready. */
    static ReportDocument document(ReportRepository repository, TrendSettings settings, ReportData data,
                                   TrendReport trend, List<TrendCharts.Chart> trendCharts,
                                   List<LoadCharts.Chart> loadCharts, String chartProblem, Visibility visibility) {
        ReportData.Run run = data.run();
        long runId = run.runId();
        AnswersContent.Answers answers = repository.answers(runId,
                trend.baseline().isEmpty() ? null : trend.baseline().getFirst().runId());
        ReportDocument doc = ReportContent.build(data, trend, trendCharts, loadCharts, chartProblem, answers);
        PrunedRuns.prunedAt(repository, runId).ifPresent(at -> PrunedRuns.note(doc, at));
        VisibilityContent.insert(doc, visibility);
        AgreementContent.insert(doc, repository.agreement(runId));
        SelectionContent.insert(doc, repository.selection(run, settings.trendRuns()));
        PipelineContent.insert(doc, runId, repository.read(jdbc -> PipelineContent.load(jdbc, runId)));
        ConversationContent.insert(doc, runId, repository.read(jdbc -> ConversationContent.load(jdbc, runId)));
        PrefixCacheContent.insert(doc, runId, repository.read(jdbc -> PrefixCacheContent.load(jdbc, runId)));
        LengthsContent.insert(doc, runId, repository.read(jdbc -> LengthsContent.load(jdbc, runId)));
        return doc;
    }

    /**
     * The run's whole report from the database, its comparison as stored.
     *
     * @throws IllegalArgumentException when there is no such run
     */
    static ReportDocument fromStore(ReportRepository repository, TrendSettings settings, long runId) {
        ReportData.Run run = repository.run(runId)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + runId));
        ReportData.Slo slo = repository.slo(runId);
        List<ReportData.LoadLevel> loadLevels = repository.loadLevels(runId);
        List<String> modelOrder = repository.modelOrder(runId);
        List<TrendReport.TrendPoint> points = repository.trend(run, settings.trendRuns());
        List<QualityTrend.Point> quality = repository.qualityTrend(run, settings.trendRuns());
        List<TrendCharts.Chart> trendCharts = List.of();
        List<LoadCharts.Chart> loadCharts = List.of();
        String chartProblem = null;
        try {
            trendCharts = TrendCharts.render(points, quality, modelOrder);
            loadCharts = LoadCharts.render(loadLevels, slo, modelOrder);
        } catch (RuntimeException | AWTError | LinkageError | InternalError e) {
            // as in write: a host without fonts or AWT libraries still gets its report, without pictures
            chartProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("Charts for run {} could not be drawn: {}", runId, chartProblem);
        }
        ReportData data = repository.load(run, slo, loadLevels);
        return document(repository, settings, data, stored(repository, settings, run, points), trendCharts,
                loadCharts, chartProblem, repository.visibility(runId));
    }

    /** The comparison {@code write} stored for the run, with the baseline and settings it was made with. */
    static TrendReport stored(ReportRepository repository, TrendSettings settings, ReportData.Run run,
                              List<TrendReport.TrendPoint> points) {
        long runId = run.runId();
        ResultsData.Baseline stored = repository.read(jdbc -> ResultsData.baseline(jdbc, runId));
        if (stored == null || stored.runIds().isEmpty()) {
            return new TrendReport(settings, List.of(), "no comparison is stored for this run (no completed run of "
                    + "plan '" + run.planName() + "' before it when its report was written, or no report yet)",
                    PlanChanges.NONE, List.of(), 0, 0, points);
        }
        BaselineMode mode = BaselineMode.valueOf(stored.mode().toUpperCase(Locale.ROOT));
        TrendSettings used = new TrendSettings(mode, mode == BaselineMode.LAST_N ? stored.runIds().size()
                : settings.lastN(), mode == BaselineMode.PINNED ? stored.runIds().getFirst() : null,
                stored.thresholdPct() / 100, stored.alpha(), settings.trendRuns());
        List<TrendReport.BaselineRun> baseline = new ArrayList<>();
        stored.runIds().forEach(id -> repository.baselineRun(id).ifPresent(baseline::add));
        List<Long> allIds = new ArrayList<>(stored.runIds());
        allIds.add(runId);
        PlanChanges changes = PlanChanges.between(new PlanChanges.RunPlan(runId, run.planHash()),
                baseline.stream().map(b -> new PlanChanges.RunPlan(b.runId(), b.planHash())).toList(),
                repository.prompts(allIds), repository.models(allIds), repository.promptSources(allIds));
        SampleSet current = repository.currentSamples(runId, stored.runIds());
        SampleSet base = repository.baselineSamples(runId, stored.runIds());
        return new TrendReport(used, baseline, null, changes, repository.comparisons(runId), current.requests(),
                base.requests(), points);
    }
}
