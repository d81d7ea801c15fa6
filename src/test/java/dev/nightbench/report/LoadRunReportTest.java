package dev.nightbench.report;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.LoadPlans;
import dev.nightbench.support.ReportDirs;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.nightbench.report.ReportServiceTest.csv;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report the job writes for a load plan, end to end: the real job on the simulated endpoint and a real
 * PostgreSQL, as {@code jobs/demo-load.yaml} runs (smaller). sim-flaky fails about one request in four, seeded by
 * request number, so with retries off its sweep breaks the error-rate limit at its first level every time.
 */
class LoadRunReportTest extends JobTestSupport {


    @Test
    void theReportOfALoadRunShowsItsLevelsSweepChartsAndCsvFields(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("load-report.yaml"), LoadPlans.smallLoadPlan("load-report"));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        Path report = ReportDirs.of(reports, "2026-11-22_" + runId);
        String md = Files.readString(report.resolve("report.md"));
        assertThat(md).contains("## Load").contains("### sim-fast").contains("### sim-flaky")
                .contains("**SLOs:** e2e_ms p95 ≤ 60000 ms, error rate ≤ 5.0 %.")
                .containsPattern("\\|concurrency\\|1\\|—\\|\\*\\*held\\*\\*\\|12/12\\|0\\.0 %\\|100\\.0 %\\|")
                .containsPattern("\\|concurrency\\|4\\|—\\|\\*\\*held\\*\\*\\|12/12\\|")
                .containsPattern("\\|rate\\|20\\|20 req/s\\|\\*\\*held\\*\\*\\|12/12\\|[^\\n]*\\|[\\d.]+ / [\\d.]+ ms(\\*\\*)?\\|")
                .containsPattern("\\*\\*Sweep \\(concurrency\\):\\*\\* \\*\\*no level held; broke at 1 on error rate\\.\\*\\* "
                        + "1 of 3 levels ran, 2 skipped\\. What broke: error rate 0\\.\\d+ &gt; 0\\.05 \\(\\d+ of 16 failed\\)\\.")
                .containsPattern("\\|concurrency \\(sweep\\)\\|1\\|—\\|\\*\\*broke\\*\\*\\|\\d+/16\\|")
                .contains("|concurrency (sweep)|2|—|skipped|—|").contains("|concurrency (sweep)|4|—|skipped|—|")
                .contains("- concurrency 4 skipped: sweep stopped: SLO error rate ")
                .contains("](load-01-sim-fast-concurrency.png)")
                // a noisy host may push the CV over 20 %, which the report then marks "high": both forms are right here
                .containsPattern("\\|sim-fast\\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\|[\\d.]+ ms ± [\\d.]+ (\\*\\*)?\\(CV \\d+ %\\)");
        // the latency table has the serial cells only; skipped sweep requests are not failures
        assertThat(md.lines().filter(l -> l.startsWith("|sim-"))).allSatisfy(l -> assertThat(l).doesNotContain(" @ "));
        assertThat(md).doesNotContain("## Failed and skipped models");
        assertThat(Files.readAllBytes(report.resolve("load-01-sim-fast-concurrency.png"))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(report.resolve("load-01-sim-fast-rate.png")).doesNotExist(); // one rate level: no curve
        assertThat(Files.readString(report.resolve("report.html"))).contains("<h2>Load</h2>")
                .contains("<span class=\"bad\">no level held; broke at 1 on error rate.</span>");

        List<CSVRecord> summary = csv(report.resolve("summary.csv"));
        CSVRecord rate = summary.stream().filter(r -> r.get("model_alias").equals("sim-fast")
                && r.get("prompt_id").equals("*") && r.get("load_mode").equals("rate")).findFirst().orElseThrow();
        assertThat(rate.get("offered_rate")).isEqualTo("20.0");
        assertThat(Double.parseDouble(rate.get("request_throughput"))).isPositive();
        assertThat(Double.parseDouble(rate.get("output_token_throughput"))).isPositive();
        assertThat(Double.parseDouble(rate.get("scheduled_lag_ms_p95"))).isGreaterThanOrEqualTo(0);
        assertThat(rate.get("goodput")).isEqualTo("1.0");
        assertThat(rate.get("held")).isEqualTo("true");
        assertThat(rate.get("max_in_flight")).isNotEmpty();
        assertThat(summary).filteredOn(r -> r.get("model_alias").equals("sim-flaky") && r.get("load_mode").equals("concurrency")
                && r.get("prompt_id").equals("*")).extracting(r -> r.get("load_level") + " " + r.get("phase_status")
                        + " " + r.get("held"))
                .containsExactly("1.0 ran false", "2.0 skipped ", "4.0 skipped ");

        List<CSVRecord> requests = csv(report.resolve("requests.csv"));
        assertThat(requests).filteredOn(r -> r.get("phase").equals("measure") && r.get("load_mode").equals("rate"))
                .hasSize(12).allSatisfy(r -> {
                    assertThat(r.get("load_level")).isEqualTo("20.0");
                    assertThat(Double.parseDouble(r.get("scheduled_lag_ms"))).isGreaterThanOrEqualTo(0);
                });
        assertThat(requests).filteredOn(r -> r.get("load_mode").equals("concurrency") && r.get("load_level").equals("4.0")
                && r.get("model_alias").equals("sim-flaky")).hasSize(16)
                .allSatisfy(r -> assertThat(r.get("status")).isEqualTo("skipped"));
    }
}
