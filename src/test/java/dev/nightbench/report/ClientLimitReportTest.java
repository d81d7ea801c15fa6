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
 * A run whose load levels were checked for a client limit (load_phases.client_limited, V8): the report names the
 * client-limited level, marks it in its table, gives the reason and explains the mark in a footnote.
 */
class ClientLimitReportTest {

    private static final String REASON = "scheduling lag p95 41.5 ms > 4.2 ms (10 % of the fast requests' time, "
            + "total_ms p10 42.0 ms, at least 2.0 ms) (host load average 9.50, 1 core for the client)";

    @TempDir
    Path reports;

    History history;
    long run;

    @BeforeEach
    void aLoadRunWithOneClientLimitedLevel() {
        history = History.fresh();
        run = history.loadRun(LocalDate.of(2026, 12, 2));
        history.jdbc.sql("UPDATE load_phases SET client_limited = false WHERE run_id = ? AND status = 'ran'")
                .param(run).update();
        history.jdbc.sql("""
                        UPDATE load_phases SET client_limited = true, client_limit_reason = ?
                        WHERE run_id = ? AND model_alias = 'fast' AND load_mode = 'concurrency' AND load_level = 4""")
                .params(REASON, run).update();
    }

    @Test
    void theLoadSectionNamesTheClientLimitedLevelWithItsReasonAndExplainsTheMarkInMarkdownAndHtml() throws IOException {
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("> **The client was the limit** at fast at concurrency 4: Nightbench itself, not the "
                        + "server, set the pace")
                .contains("|concurrency|4|—|**held**|16/16|0.0 %|100.0 %|**8.00 req/s client-limited¹**|192.0 tok/s|")
                .contains("- **concurrency 4 client-limited**: scheduling lag p95 41.5 ms &gt; 4.2 ms")
                .contains("**¹ Client-limited**: the benchmark's own client, not the server, set the level's pace.")
                .contains("1 of the 7 levels checked was client-limited.")
                .containsOnlyOnce("client-limited¹**|");
        assertThat(md.indexOf("The client was the limit")).isGreaterThan(md.indexOf("## Load"))
                .isLessThan(md.indexOf("### fast"));

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<div class=\"note warning\"><strong>The client was the limit</strong> at fast at "
                        + "concurrency 4")
                .contains("<span class=\"bad\">8.00 req/s client-limited¹</span>")
                .contains("<li><span class=\"bad\">concurrency 4 client-limited</span>: scheduling lag p95 41.5 ms "
                        + "&gt; 4.2 ms")
                .contains("<strong>¹ Client-limited</strong>");
    }

    @Test
    void summaryCsvSaysWhichLevelsWereClientLimitedAndWhy() throws IOException {
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        List<CSVRecord> levels = csv(dir.resolve("summary.csv")).stream()
                .filter(r -> r.get("prompt_id").equals("*") && !r.get("load_mode").equals("serial")).toList();
        CSVRecord limited = levels.stream().filter(r -> r.get("model_alias").equals("fast")
                && r.get("load_mode").equals("concurrency")).findFirst().orElseThrow();
        assertThat(limited.get("client_limited")).isEqualTo("true");
        assertThat(limited.get("client_limit_reason")).isEqualTo(REASON);
        assertThat(levels).filteredOn(r -> r.get("client_limited").equals("true")).hasSize(1);
    }
}
