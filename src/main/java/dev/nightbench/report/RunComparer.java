package dev.nightbench.report;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nightbench compare A B}: any two runs, A the baseline and B the candidate, compared with exactly the
 * statistics of the nightly baseline comparison ({@link TrendAnalysis}: {@link RegressionDetector}'s Mann-Whitney U
 * and Fisher's exact test, Benjamini-Hochberg families, the {@link TrendSettings} threshold and alpha), on the models
 * and prompts the two runs share (same prompt id and text hash, as {@link ReportRepository#currentSamples} selects),
 * plus what differed between them ({@link RunDifferences}).
 *
 * <p>It computes in memory and writes nothing: {@code comparisons} holds each run's comparison with its automatic
 * (or {@code --baseline}) baseline, which {@code run_regressions} and {@code --fail-on-regression} of {@code run}
 * read; an ad-hoc A/B comparison stored there would replace it, and two ad-hoc comparisons of the same candidate
 * against different runs would replace each other.
 */
@Service
public class RunComparer {

    private final ReportRepository repository;
    private final JdbcClient jdbc;
    private final TrendSettings settings;

    RunComparer(ReportRepository repository, JdbcClient jdbc, TrendSettings settings) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    public boolean exists(long runId) {
        return repository.run(runId).isPresent();
    }

    /** The newest COMPLETED run with this label ({@code run --label}), if any. */
    public Optional<Long> latestCompleted(String label) {
        return jdbc.sql("""
                        SELECT run_id FROM runs WHERE label = ? AND status = 'COMPLETED'
                        ORDER BY started_at DESC, run_id DESC LIMIT 1""")
                .param(label).query(Long.class).optional();
    }

    /**
     * Compares {@code candidate} (B) with {@code baseline} (A).
     *
     * @throws IllegalArgumentException when either run does not exist, or both are the same run
     */
    public RunComparison compare(long baseline, long candidate) {
        ReportData.Run b = repository.run(candidate)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + candidate));
        ReportData.Run a = repository.run(baseline)
                .orElseThrow(() -> new IllegalArgumentException("no run with id " + baseline));
        if (baseline == candidate) {
            throw new IllegalArgumentException("run " + baseline + " compared with itself");
        }
        TrendSettings pinned = new TrendSettings(BaselineMode.PINNED, settings.lastN(), baseline, settings.threshold(),
                settings.alpha(), settings.trendRuns());
        List<Long> baselineIds = List.of(baseline);
        PlanChanges changes = PlanChanges.between(new PlanChanges.RunPlan(candidate, b.planHash()),
                List.of(new PlanChanges.RunPlan(baseline, a.planHash())), repository.prompts(List.of(baseline, candidate)),
                repository.models(List.of(baseline, candidate)), repository.promptSources(List.of(baseline, candidate)));
        SampleSet current = repository.currentSamples(candidate, baselineIds);
        SampleSet base = repository.baselineSamples(candidate, baselineIds);
        List<TrendAnalysis.Row> rows = TrendAnalysis.compare(base, current, settings.threshold(), settings.alpha());
        TrendReport trend = new TrendReport(pinned, List.of(new TrendReport.BaselineRun(baseline, a.runDate(),
                a.planName(), a.planHash(), a.status(), a.startedAt())), null, changes, rows, current.requests(),
                base.requests(), List.of());

        ReportDocument doc = new ReportDocument("Run " + candidate + " (B) compared with run " + baseline + " (A)");
        doc.add(new ReportDocument.Paragraph(List.of(ReportDocument.strong("A (baseline): "),
                ReportDocument.text(describe(a)), ReportDocument.strong(" B (candidate): "),
                ReportDocument.text(describe(b)))));
        List<String> unmeasured = unmeasured(candidate, baseline, rows);
        if (rows.isEmpty()) {
            doc.add(new ReportDocument.Note(List.of(ReportDocument.strong("Nothing comparable: "),
                    ReportDocument.text("the runs share no model with measured requests on a prompt of the same "
                            + "text on both sides.")), true));
        }
        if (!unmeasured.isEmpty()) {
            doc.add(new ReportDocument.Note(List.of(ReportDocument.strong("Not compared: "),
                    ReportDocument.text("models in both runs without measured requests on a shared prompt on one "
                            + "side (unavailable or failed): " + String.join(", ", unmeasured) + ".")), true));
        }
        BaselineContent.comparison(doc, trend);
        RunDifferences.between(jdbc, baseline, candidate).render(doc, baseline, candidate);
        return new RunComparison(baseline, candidate, doc, rows);
    }

    private static String describe(ReportData.Run r) {
        return "run " + r.runId() + " of plan '" + r.planName() + "' (" + r.runDate() + ", " + r.status()
                + (r.label() == null ? "" : ", label " + r.label()) + (r.simulated() ? ", simulated" : "") + ").";
    }

    /** Aliases both runs have that no comparison row covers. */
    private List<String> unmeasured(long candidate, long baseline, List<TrendAnalysis.Row> rows) {
        Set<String> both = new TreeSet<>(repository.modelOrder(candidate));
        both.retainAll(repository.modelOrder(baseline));
        rows.forEach(r -> both.remove(r.key().modelAlias()));
        return new ArrayList<>(both);
    }
}
