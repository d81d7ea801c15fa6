package dev.nightbench.report;

import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static dev.nightbench.report.ReportServiceTest.csv;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report of a run with load cells, on a real PostgreSQL with the real migrations: rows inserted as the job
 * writes them ({@link History#loadRun}), with figures chosen so that every case shows (a sweep that broke, a skipped
 * level, an open-loop level whose client fell behind, a noisy mean).
 */
class LoadReportTest {

    @TempDir
    Path reports;

    History history;
    long run;

    @BeforeEach
    void aRunWithLatencyAndLoadCells() {
        history = History.fresh();
        run = history.loadRun(LocalDate.of(2026, 11, 22));
    }

    @Test
    void theLoadSectionShowsEveryLevelTheSweepAndTheSlosInMarkdownAndHtml() throws IOException {
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("## Load")
                .contains("**SLOs:** ttft_ms p95 ≤ 150 ms, tpot_ms p95 ≤ 30 ms, e2e_ms p95 ≤ 1500 ms, "
                        + "error rate ≤ 5.0 %.")
                .contains("- **Goodput** = requests that succeeded and met every latency limit ÷ all requests of the "
                        + "level, failed ones included.")
                .contains("- **Held**: at most the error-rate limit")
                .contains("### fast").contains("### busy")
                .contains("|Mode|Level|Offered rate|Held|Ok/requests|Error rate|Goodput|Requests/s|Output tokens/s|"
                        + "TTFT p50 / p95|TPOT p50 / p95|E2E p50 / p95|Max in flight|Lag mean / p95|")
                .contains("|concurrency|4|—|**held**|16/16|0.0 %|100.0 %|8.00 req/s|192.0 tok/s|42.0 / 70.0 ms|"
                        + "7.2 / 9.0 ms|216.0 / 270.0 ms|4|—|")
                .contains("|rate|5|5 req/s|**held**|16/16|0.0 %|100.0 %|8.00 req/s|192.0 tok/s|48.0 / 80.0 ms|"
                        + "8.0 / 10.0 ms|240.0 / 300.0 ms|3|0.9 / 2.1 ms|")
                .contains("|rate|20|20 req/s|**held**|15/16|6.3 %|93.8 %|7.50 req/s|180.0 tok/s|36.0 / 60.0 ms|"
                        + "7.2 / 9.0 ms|208.0 / 260.0 ms|9|**12.0 / 30.0 ms behind**|")
                .contains("|concurrency (sweep)|16|—|**broke**|32/32|0.0 %|43.8 %|16.0 req/s|384.0 tok/s|"
                        + "141.3 / 235.5 ms|27.2 / 34.0 ms|798.4 / 998.0 ms|16|—|")
                .contains("|concurrency (sweep)|32|—|skipped|—|—|—|—|—|—|—|—|—|—|")
                .contains("- **concurrency 16 broke**: ttft_ms p95 235.5 ms &gt; 150 ms; tpot_ms p95 34.0 ms &gt; 30 ms\n"
                        + "- concurrency 32 skipped: sweep stopped: SLO ttft_ms p95 235.5 ms &gt; 150 ms; tpot_ms p95 "
                        + "34.0 ms &gt; 30 ms broke at concurrency 16\n")
                .contains("**Sweep (concurrency):** highest load that held: concurrency 8 (16.0 req/s, 384.0 output "
                        + "tokens/s, goodput 93.8 %); broke at 16 on ttft_ms, tpot_ms. 4 of 5 levels ran, 1 skipped.")
                // the lag warning names the level and says what it means, the other rate is not flagged
                .contains("> **The client fell behind** at fast at rate 20 req/s: the scheduled lag p95 exceeds 10 % "
                        + "of the mean time between arrivals (1000 / rate ms), so the load offered was lower than planned.")
                .doesNotContain("fast at rate 5 req/s")
                .contains("](load-01-fast-rate.png)").contains("](load-02-busy-concurrency.png)")
                .doesNotContain("load-01-fast-concurrency.png"); // a single level is no curve
        // the models tables (latency; throughput, tokens and cost) are the latency cells only
        assertThat(md.lines().filter(l -> l.startsWith("|fast") || l.startsWith("|busy"))).hasSize(2 + 2 + 4)
                .allSatisfy(l -> assertThat(l).doesNotContain(" @ "));
        assertThat(md.indexOf("## Load")).isGreaterThan(md.indexOf("## Models")).isLessThan(md.indexOf("## Trends"));

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<h2>Load</h2>").contains("<h3>busy</h3>")
                .contains("<strong>Sweep (concurrency): </strong>highest load that held: concurrency 8")
                .contains("<div class=\"note warning\"><strong>The client fell behind</strong> at fast at rate 20 req/s")
                .contains("<td class=\"num\"><span class=\"bad\">12.0 / 30.0 ms behind</span></td>")
                .contains("<td><span class=\"bad\">broke</span></td>").contains("<td>skipped</td>")
                .contains("<li><span class=\"bad\">concurrency 16 broke</span>: ttft_ms p95 235.5 ms &gt; 150 ms")
                .contains("<li>concurrency 32 skipped: sweep stopped: SLO ttft_ms p95 235.5 ms &gt; 150 ms");
        // two trend charts and two load charts, embedded and written next to the report
        assertThat(html.split("src=\"data:image/png;base64,", -1)).hasSize(1 + 2 + 2);
        for (String png : List.of("load-01-fast-rate.png", "load-02-busy-concurrency.png")) {
            assertThat(Files.readAllBytes(dir.resolve(png))).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    @Test
    void theLatencyTableShowsEachMeanWithItsIntervalAndVariationAndFlagsANoisyOne() throws IOException {
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("|Model|Status|Success|Requests|n|e2e mean ± 95 % CI|e2e p95|TTFT mean ± 95 % CI|")
                .containsPattern("\\|fast\\|[^|]*\\|100%\\|10/10\\|10\\|412 ms ± 18 \\(CV 6 %\\)\\|[^|]*\\|52\\.6 ms ± 13\\.6 "
                        + "\\*\\*\\(CV 34 %\\) high\\*\\*\\|")
                .containsPattern("\\|busy\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\|410 ms ± 10 \\(CV 3 %\\)\\|[^|]*\\|52\\.0 ms ± 2\\.0 "
                        + "\\(CV 5 %\\)\\|")
                .contains("> **High variation** (CV above 20 %): fast TTFT CV 34 %.");
        assertThat(Files.readString(dir.resolve("report.html")))
                .contains("<td class=\"num\">52.6 ms ± 13.6 <span class=\"bad\">(CV 34 %) high</span></td>");
    }

    @Test
    void summaryCsvCarriesTheLoadFiguresAndRequestsCsvTheLoadAndLag() throws IOException {
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        List<CSVRecord> summary = csv(dir.resolve("summary.csv"));
        CSVRecord rate20 = summary.stream().filter(r -> r.get("model_alias").equals("fast")
                && r.get("prompt_id").equals("*") && r.get("load_mode").equals("rate") && r.get("load_level").equals("20.0"))
                .findFirst().orElseThrow();
        assertThat(rate20.get("offered_rate")).isEqualTo("20.0");
        assertThat(rate20.get("error_rate")).isEqualTo("0.0625");
        assertThat(rate20.get("goodput")).isEqualTo("0.9375");
        assertThat(rate20.get("goodput_requests")).isEqualTo("15");
        assertThat(rate20.get("request_throughput")).isEqualTo("7.5");
        assertThat(rate20.get("output_token_throughput")).isEqualTo("180.0");
        assertThat(rate20.get("scheduled_lag_ms_p95")).isEqualTo("30.0");
        assertThat(rate20.get("max_in_flight")).isEqualTo("9");
        assertThat(rate20.get("held")).isEqualTo("true");
        assertThat(rate20.get("lag_behind")).isEqualTo("true");
        CSVRecord skipped = summary.stream().filter(r -> r.get("model_alias").equals("busy")
                && r.get("load_level").equals("32.0")).findFirst().orElseThrow();
        assertThat(skipped.get("phase_status")).isEqualTo("skipped");
        assertThat(skipped.get("requests")).isEmpty();
        assertThat(skipped.get("skip_reason")).startsWith("sweep stopped: SLO ttft_ms p95 235.5 ms > 150 ms");
        CSVRecord broke = summary.stream().filter(r -> r.get("model_alias").equals("busy")
                && r.get("load_level").equals("16.0")).findFirst().orElseThrow();
        assertThat(broke.get("held")).isEqualTo("false");
        assertThat(broke.get("slo_broken")).isEqualTo("ttft_ms p95 235.5 ms > 150 ms; tpot_ms p95 34.0 ms > 30 ms");
        CSVRecord serial = summary.stream().filter(r -> r.get("model_alias").equals("fast")
                && r.get("prompt_id").equals("*") && r.get("load_mode").equals("serial")).findFirst().orElseThrow();
        assertThat(serial.get("ttft_ms_ci95_low")).isEqualTo("39.0");
        assertThat(serial.get("ttft_ms_cv")).isEqualTo("0.34");
        assertThat(serial.get("e2e_ms_n")).isEqualTo("10");
        assertThat(serial.get("sweep")).isEmpty();
        assertThat(summary).allSatisfy(r -> assertThat(r.size()).isEqualTo(summary.getFirst().size()));

        List<CSVRecord> requests = csv(dir.resolve("requests.csv"));
        assertThat(requests.getFirst().toMap()).containsKeys("load_mode", "load_level", "scheduled_lag_ms");
        assertThat(requests).filteredOn(r -> r.get("load_mode").equals("rate"))
                .hasSize(16).allSatisfy(r -> assertThat(r.get("scheduled_lag_ms")).isNotEmpty());
        assertThat(requests).filteredOn(r -> r.get("load_mode").equals("serial"))
                .allSatisfy(r -> assertThat(r.get("scheduled_lag_ms")).isEmpty());
    }

    @Test
    void failureCountsLeaveOutTheRequestsOfASweepLevelThatWasNeverOffered() throws IOException {
        history.jdbc.sql("UPDATE run_models SET availability = 'failed', failure_reason = 'HTTP 500 <b>x</b>' "
                + "WHERE run_id = ? AND model_alias = 'busy'").param(run).update();
        history.loadRequest(run, 12, 0, "busy", "haiku", "concurrency", 1, "skipped", "model_failed", null, null, null);

        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        assertThat(Files.readString(dir.resolve("report.md"))).contains("## Failed and skipped models")
                .contains("|busy|**FAILED**|0|1|HTTP 500 &lt;b&gt;x&lt;/b&gt;|")
                // the verdict, above everything else, names it too
                .containsPattern("\n> \\*\\*Verdict:\\*\\* [^\n]* Failed or unavailable: \\*\\*busy FAILED\\*\\* \\(see Failed "
                        + "and skipped models\\)\\.\n");
    }

    @Test
    void loadLevelsAreComparedPerModelWithTheirAdjustedPAndSkippedLevelsNotAtAll() throws IOException {
        long tonight = history.loadRun(LocalDate.of(2026, 11, 23));

        Path dir = history.reportService(TrendSettings.defaults(), reports).write(tonight);

        List<CSVRecord> comparisons = csv(dir.resolve("comparisons.csv"));
        assertThat(comparisons).filteredOn(r -> !r.get("load_mode").equals("serial"))
                .isNotEmpty().allSatisfy(r -> {
                    assertThat(r.get("prompt_id")).isEqualTo("*");
                    assertThat(r.get("model_alias") + " " + r.get("load_mode") + " " + r.get("load_level"))
                            .isEqualTo("fast rate 20.0"); // the sweep_stopped rows of busy at 32 are no samples
                });
        assertThat(comparisons).filteredOn(r -> r.get("load_mode").equals("rate") && !r.get("p_value").isEmpty())
                .isNotEmpty().allSatisfy(r -> assertThat(r.get("p_adjusted")).isNotEmpty());
        assertThat(comparisons).filteredOn(r -> r.get("load_mode").equals("serial") && !r.get("prompt_id").equals("*")
                        && !r.get("p_value").isEmpty())
                .isNotEmpty().allSatisfy(r -> assertThat(r.get("p_adjusted")).isNotEmpty());
        assertThat(comparisons).filteredOn(r -> r.get("load_mode").equals("serial") && r.get("prompt_id").equals("*"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.get("p_adjusted")).isEmpty());
        assertThat(comparisons).allSatisfy(r -> assertThat(r.get("verdict")).isEqualTo("unchanged"));
        assertThat(history.jdbc.sql("SELECT count(*) FROM run_comparisons WHERE run_id = ? AND p_adjusted IS NOT NULL")
                .param(tonight).query(Long.class).single()).isPositive();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("**Multiple comparisons:** the per-prompt "
                + "comparisons are corrected with Benjamini–Hochberg (false discovery rate) at 0.05 across this run's "
                + "per-prompt comparisons of each metric, and the load levels' comparisons likewise among themselves");
    }

    @Test
    void theSweepLineSaysWhenNothingHeldOrNothingBroke() {
        var nothingHeld = new ReportData.SweepResult("m", "concurrency", null, 1.0,
                "error rate 0.250 > 0.05 (4 of 16 failed)", 3, 1, 2, null, null, null);
        var allHeld = new ReportData.SweepResult("m", "rate", 32.0, null, null, 4, 4, 0, 30.1, 700.0, null);

        assertThat(text(ReportContent.sweepLine(nothingHeld))).isEqualTo("Sweep (concurrency): no level held; broke at "
                + "1 on error rate. 1 of 3 levels ran, 2 skipped. What broke: error rate 0.250 > 0.05 (4 of 16 failed).");
        assertThat(text(ReportContent.sweepLine(allHeld))).isEqualTo("Sweep (rate): highest load that held: rate 32 "
                + "req/s (30.1 req/s, 700.0 output tokens/s); no level broke. 4 of 4 levels ran.");
        assertThat(ReportContent.brokenNames("ttft_ms p95 812.4 ms > 500 ms; error rate 0.1 > 0.05 (1 of 10 failed); "
                + "tpot_ms p95 undefined (no successful request measured it) vs limit 30 ms"))
                .containsExactly("ttft_ms", "error rate", "tpot_ms");
    }

    private static String text(List<ReportDocument.Span> spans) {
        return spans.stream().map(ReportDocument.Span::text).reduce("", String::concat);
    }
}
