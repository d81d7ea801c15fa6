package dev.nightbench.report;

import dev.nightbench.support.ReportDirs;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The report of a run compared with its baseline, on a real PostgreSQL with the real migrations. */
class ReportServiceTest {

    /**
     * The metrics a run without answer checks or judge scores is compared on: all but check_pass_rate and
     * judge_score (the same 5 as before them).
     */
    private static final int UNCHECKED_METRICS = (int) java.util.Arrays.stream(Metric.values())
            .filter(m -> m != Metric.CHECK_PASS_RATE && m != Metric.JUDGE_SCORE).count();


    @TempDir
    Path reports;

    History history;

    @BeforeEach
    void database() {
        history = History.fresh();
    }

    long night(LocalDate date, int phase, String slowModel, double slowdown) {
        return history.night(date, phase, slowModel, slowdown);
    }

    @Test
    void aSlowedModelIsFlaggedRegressedAndTheOthersUnchangedInMarkdownHtmlAndCsv() throws IOException {
        // given
        long baseline = night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);

        // when
        Path dir = service.write(current);

        // then
        assertThat(dir).isEqualTo(ReportDirs.of(reports, "2026-11-22_" + current).toAbsolutePath());
        assertThat(dir.getFileName().toString()).matches("2026-11-22_" + current + "_[0-9a-f]{8}");
        assertThat(service.hasRegressions(current)).isTrue();

        List<CSVRecord> csv = csv(dir.resolve("comparisons.csv"));
        assertThat(csv).hasSize(History.MODELS.size() * (History.PROMPTS.size() + 1) * UNCHECKED_METRICS);
        for (CSVRecord r : csv) {
            boolean slowedLatency = r.get("model_alias").equals("slow-b") && !r.get("metric").equals("success_rate");
            assertThat(r.get("verdict")).as("%s %s %s", r.get("model_alias"), r.get("prompt_id"), r.get("metric"))
                    .isEqualTo(slowedLatency ? "regressed" : "unchanged");
            assertThat(r.get("baseline_run_ids")).isEqualTo(String.valueOf(baseline));
        }
        CSVRecord pooledTtft = csv.stream().filter(r -> r.get("model_alias").equals("slow-b")
                && r.get("prompt_id").equals("*") && r.get("metric").equals("ttft_ms")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(pooledTtft.get("change_pct"))).isBetween(45.0, 55.0);
        assertThat(pooledTtft.get("n_baseline")).isEqualTo("20");
        assertThat(pooledTtft.get("n_current")).isEqualTo("20");
        assertThat(Double.parseDouble(pooledTtft.get("p_value"))).isLessThan(0.001);
        assertThat(pooledTtft.get("test")).startsWith("Mann-Whitney U");

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("## Compared with the baseline")
                .contains("**Baseline:** run " + baseline + " (2026-11-21), the previous completed run of the plan.")
                .contains("Mann-Whitney U").contains("Fisher's exact")
                .contains("60 measured requests in this run, 60 in the baseline")
                .containsPattern("\\|slow-b\\|\\+5\\d\\.\\d % \\*\\*regressed\\*\\*\\|")
                .containsPattern("\\|fast-a\\|[^\\n]*unchanged\\|")
                .contains("|Model|Status|Success|Requests|n|e2e mean ± 95 % CI|");
        assertThat(md.lines().filter(l -> l.contains("**regressed**"))).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("slow-b").doesNotContain("fast-a").doesNotContain("steady-c"));
        assertThat(md.lines().filter(l -> l.startsWith("|fast-a|") || l.startsWith("|steady-c|")))
                .noneSatisfy(l -> assertThat(l).contains("regressed"));

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<h2>Compared with the baseline</h2>")
                .containsPattern("<tr><td>slow-b</td><td class=\"num\">\\+5\\d\\.\\d % <span class=\"bad\">regressed</span>");
        assertThat(rows(html, "fast-a")).isNotEmpty().noneSatisfy(row -> assertThat(row).contains("regressed"));
        assertThat(rows(html, "steady-c")).isNotEmpty().noneSatisfy(row -> assertThat(row).contains("regressed"));

        assertThat(history.jdbc.sql("SELECT DISTINCT model_alias FROM run_regressions WHERE run_id = ?").param(current)
                .query(String.class).list()).containsExactly("slow-b");
    }

    @Test
    void aHostileAnswerIsShownAsTextNeverAsMarkup() throws IOException {
        night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = night(LocalDate.of(2026, 11, 22), 2, null, 1);

        Path dir = history.reportService(TrendSettings.defaults(), reports).write(current);

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).doesNotContain("<script").doesNotContain("javascript:alert(2)\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("Content-Security-Policy");
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("\\*\\*bold\\*\\* \\[click\\](javascript:alert(2))")
                .contains("> \\# not a heading").contains("> \\- not a list")
                .doesNotContainPattern("(?m)^# not a heading");
    }

    @Test
    void theFirstRunOfAPlanSaysThereIsNoBaselineAndHasNoRegression() throws IOException {
        long first = night(LocalDate.of(2026, 11, 21), 1, null, 1);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);

        Path dir = service.write(first);

        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("No comparison: no completed run of plan 'nightly' before this one.");
        assertThat(service.hasRegressions(first)).isFalse();
        assertThat(csv(dir.resolve("comparisons.csv"))).isEmpty();
    }

    @Test
    void aFailedRunIsNeverABaseline() throws IOException {
        long completed = night(LocalDate.of(2026, 11, 20), 1, null, 1);
        long failed = night(LocalDate.of(2026, 11, 21), 3, null, 1);
        history.jdbc.sql("UPDATE runs SET status = 'FAILED' WHERE run_id = ?").param(failed).update();
        long current = night(LocalDate.of(2026, 11, 22), 2, null, 1);

        Path dir = history.reportService(TrendSettings.defaults(), reports).write(current);

        assertThat(csv(dir.resolve("comparisons.csv"))).allSatisfy(r ->
                assertThat(r.get("baseline_run_ids")).isEqualTo(String.valueOf(completed)));
    }

    @Test
    void lastNPoolsTheSamplesOfSeveralRuns() throws IOException {
        long a = night(LocalDate.of(2026, 11, 19), 1, null, 1);
        long b = night(LocalDate.of(2026, 11, 20), 3, null, 1);
        long c = night(LocalDate.of(2026, 11, 21), 4, null, 1);
        long current = night(LocalDate.of(2026, 11, 22), 2, null, 1);
        var settings = new TrendSettings(BaselineMode.LAST_N, 2, null, 0.10, 0.05);

        Path dir = history.reportService(settings, reports).write(current);

        List<CSVRecord> csv = csv(dir.resolve("comparisons.csv"));
        assertThat(csv).allSatisfy(r -> assertThat(r.get("baseline_run_ids")).isEqualTo(c + " " + b));
        assertThat(csv).filteredOn(r -> r.get("prompt_id").equals("*")).allSatisfy(r ->
                assertThat(r.get("n_baseline")).isEqualTo("40"));
        assertThat(Files.readString(dir.resolve("report.md"))).contains("the last 2 completed runs of the plan")
                .doesNotContain("run " + a + " (");
    }

    @Test
    void aPinnedBaselineIsUsedWhateverCameAfterIt() throws IOException {
        long pinned = night(LocalDate.of(2026, 11, 20), 1, null, 1);
        night(LocalDate.of(2026, 11, 21), 3, "fast-a", 2);
        long current = night(LocalDate.of(2026, 11, 22), 2, "fast-a", 2);
        var settings = new TrendSettings(BaselineMode.PINNED, 1, pinned, 0.10, 0.05);

        Path dir = history.reportService(settings, reports).write(current);

        assertThat(csv(dir.resolve("comparisons.csv"))).allSatisfy(r ->
                assertThat(r.get("baseline_run_ids")).isEqualTo(String.valueOf(pinned)));
        assertThat(history.reportService(settings, reports).hasRegressions(current)).isTrue();
    }

    @Test
    void aChangedPlanIsReportedAndChangedPromptsAreNotCompared() throws IOException {
        // given: the baseline has prompts capital, haiku, sum, sql and models fast-a, slow-b, steady-c
        night(LocalDate.of(2026, 11, 21), 1, null, 1);
        // tonight: haiku's text changed, sql dropped, poem added, steady-c dropped, slow-b points at a new model
        long run = history.run("nightly", LocalDate.of(2026, 11, 22)).hash("hash-2").insert();
        history.model(run, "fast-a", 1);
        history.model(run, "slow-b", 2, "local", "slow-b-v2");
        history.prompt(run, "capital", 1, "Prompt text of capital");
        history.prompt(run, "haiku", 2, "Write a haiku about autumn instead");
        history.prompt(run, "sum", 3, "Prompt text of sum");
        history.prompt(run, "poem", 4, "A new prompt");
        int cell = 0;
        for (String model : List.of("fast-a", "slow-b")) {
            for (String prompt : List.of("capital", "haiku", "sum", "poem")) {
                for (int r = 0; r < History.ROUNDS; r++) {
                    history.request(run, cell, r, model, prompt, "ok", History.BASE_TTFT.get(model), History.BASE_E2E.get(model), 100, "ok");
                }
                cell++;
            }
        }
        history.aggregate(run);

        // when
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        // then
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("> **Plan changed** since the baseline")
                .contains("- plan hash differs from baseline run(s)")
                .contains("- prompts whose text changed: haiku")
                .contains("- prompts added: poem")
                .contains("- prompts removed: sql")
                .contains("- models removed: steady-c")
                .contains("- models now served by another endpoint or server model (still compared): "
                        + "slow-b: local/slow-b-v2 (was local/slow-b-v1)");
        List<CSVRecord> csv = csv(dir.resolve("comparisons.csv"));
        assertThat(csv).extracting(r -> r.get("prompt_id")).containsOnly("*", "capital", "sum");
        assertThat(csv).extracting(r -> r.get("model_alias")).containsOnly("fast-a", "slow-b");
        // pooled figures cover the two comparable prompts on both sides
        assertThat(csv).filteredOn(r -> r.get("prompt_id").equals("*") && r.get("metric").equals("success_rate"))
                .allSatisfy(r -> {
                    assertThat(r.get("n_baseline")).isEqualTo("10");
                    assertThat(r.get("n_current")).isEqualTo("10");
                });
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<strong>Plan changed</strong>")
                .contains("prompts whose text changed: haiku");
    }

    @Test
    void regeneratingAReportReplacesItsComparisons() {
        night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);

        service.write(current);
        service.write(current);

        assertThat(history.jdbc.sql("SELECT count(*) FROM comparisons WHERE run_id = ?").param(current)
                .query(Integer.class).single()).isEqualTo(History.MODELS.size() * (History.PROMPTS.size() + 1) * UNCHECKED_METRICS);
    }

    @Test
    void chartsAreWrittenNextToTheReportAndEmbeddedInTheHtmlAndLatestPointsAtTheNewestRun() throws IOException {
        night(LocalDate.of(2026, 11, 20), 1, null, 1);
        long previous = night(LocalDate.of(2026, 11, 21), 3, null, 1);
        long newest = night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);

        Path dir = service.write(newest);
        service.write(previous); // regenerating an older report leaves latest.* alone

        for (int i = 1; i <= History.MODELS.size(); i++) {
            Path png = dir.resolve(TrendCharts.fileName(i, History.MODELS.get(i - 1)));
            assertThat(png).exists();
            assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
        }
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(Pattern.compile("src=\"data:image/png;base64,").matcher(html).results().count()).isEqualTo(3);
        assertThat(html).doesNotContain("src=\"http").doesNotContain("<link");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("](trend-02-slow-b.png)")
                .contains("The last 3 run(s) of plan nightly");
        assertThat(Files.readString(reports.resolve("latest.md")))
                .contains("# Nightbench run " + newest + ":")
                .contains("](" + dir.getFileName() + "/trend-02-slow-b.png)");
        assertThat(reports.resolve("latest.html")).hasSameTextualContentAs(dir.resolve("report.html"));
    }

    static List<CSVRecord> csv(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    /** The HTML table rows whose first cell is {@code model}. */
    static List<String> rows(String html, String model) {
        Matcher m = Pattern.compile("<tr><td>" + Pattern.quote(model) + "</td>.*?</tr>").matcher(html);
        return m.results().map(r -> r.group()).toList();
    }
}
