package dev.nightbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a reader sees first and where the files go: the verdict before the method, model tables that fit a laptop
 * screen, and report folders that two databases writing into one {@code reports/} folder cannot overwrite.
 */
class ReportAtAGlanceTest {

    @TempDir
    Path reports;

    @Test
    void twoDatabasesWritingIntoOneReportsFolderKeepTheirOwnFoldersAndLatestStaysWithTheFirst() throws IOException {
        // given: two databases, each with its run 1 and run 2 on the same dates (run ids restart in every database)
        History first = History.fresh();
        History second = History.fresh();
        first.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long firstNewest = first.night(LocalDate.of(2026, 11, 22), 2, null, 1);
        second.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long secondNewest = second.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        assertThat(secondNewest).isEqualTo(firstNewest);

        // when
        Path firstDir = first.reportService(TrendSettings.defaults(), reports).write(firstNewest);
        Path secondDir = second.reportService(TrendSettings.defaults(), reports).write(secondNewest);

        // then: one folder each, named by date, run id and database
        assertThat(firstDir).isNotEqualTo(secondDir);
        assertThat(List.of(firstDir, secondDir)).allSatisfy(d -> assertThat(d.getFileName().toString())
                .matches("2026-11-22_" + firstNewest + "_[0-9a-f]{8}"));
        assertThat(Files.readString(firstDir.resolve("report.md"))).doesNotContain("slow-b regressed")
                .contains("**Verdict:** **0 regressed**");
        assertThat(Files.readString(secondDir.resolve("report.md"))).contains("regressed");
        // latest.* stay with the first database; the second gets latest-<its id>.*
        String firstId = first.jdbc.sql("SELECT id::text FROM database_identity").query(String.class).single();
        String secondId = second.jdbc.sql("SELECT id::text FROM database_identity").query(String.class).single();
        assertThat(reports.resolve(ReportFolders.LATEST_OWNER)).content().isEqualToIgnoringNewLines(firstId);
        assertThat(reports.resolve("latest.html")).hasSameTextualContentAs(firstDir.resolve("report.html"));
        String own = "latest-" + ReportFolders.shortId(secondId);
        assertThat(reports.resolve(own + ".html")).hasSameTextualContentAs(secondDir.resolve("report.html"));
        assertThat(Files.readString(reports.resolve(own + ".md"))).contains("](" + secondDir.getFileName() + "/");
        // the first database's next run moves latest.* again
        long firstNext = first.night(LocalDate.of(2026, 11, 23), 3, null, 1);
        Path nextDir = first.reportService(TrendSettings.defaults(), reports).write(firstNext);
        assertThat(reports.resolve("latest.html")).hasSameTextualContentAs(nextDir.resolve("report.html"));
    }

    @Test
    void aReportsFolderFromBeforeDatabaseIdsKeepsItsOldFoldersAndHandsLatestToTheDatabaseWritingNow()
            throws IOException {
        // given: a folder and latest.* as written before V31
        Path old = Files.createDirectories(reports.resolve("2026-11-20_7"));
        Files.writeString(old.resolve("report.md"), "# Nightbench run 7: nightly\n");
        Files.writeString(reports.resolve("latest.md"), "# Nightbench run 7: nightly\n");
        History history = History.fresh();
        long run = history.night(LocalDate.of(2026, 11, 22), 1, null, 1);

        // when
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(run);

        // then
        assertThat(old.resolve("report.md")).content().isEqualTo("# Nightbench run 7: nightly\n");
        assertThat(reports.resolve("latest.md")).content().contains("# Nightbench run " + run + ":");
        assertThat(reports.resolve("latest.html")).hasSameTextualContentAs(dir.resolve("report.html"));
        try (Stream<Path> files = Files.list(reports)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("2026-11-20_7",
                    dir.getFileName().toString(), "latest.md", "latest.html", ReportFolders.LATEST_OWNER);
        }
    }

    @Test
    void theVerdictComesFirstAndTheMethodAfterTheTablesCollapsedInHtml() throws IOException {
        // given
        History history = History.fresh();
        history.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);

        // when
        Path dir = history.reportService(TrendSettings.defaults(), reports).write(current);

        // then: the verdict above the metadata; the tests' explanation after the regressed table
        String md = Files.readString(dir.resolve("report.md"));
        int verdict = md.indexOf("> **Verdict:** **");
        assertThat(verdict).isPositive().isLessThan(md.indexOf("|Plan|"));
        assertThat(md.substring(verdict, md.indexOf('\n', verdict))).containsPattern("\\*\\*\\d+ regressed\\*\\*")
                .contains("Baseline: run ").contains("No model failed.");
        assertThat(md.indexOf("**Tests:**")).isGreaterThan(md.indexOf("### Regressed and improved metrics"));
        assertThat(md.indexOf("**Multiple comparisons:**")).isGreaterThan(md.indexOf("### Regressed and improved"));
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).containsPattern("<details><summary>How the comparison decides[^<]*</summary>\\n<p><strong>"
                + "Tests: </strong>");
        assertThat(html.indexOf("<strong>Verdict: </strong>")).isLessThan(html.indexOf("<h2>Compared with the"));
        // the model figures in two tables of at most 11 columns, Status and Success in the first
        assertThat(md).contains("|Model|Status|Success|Requests|n|e2e mean ± 95 % CI|e2e p95|TTFT mean ± 95 % CI|"
                        + "TTFT p50|TTFT p95|TPOT p50|\n")
                .contains("|Model|decode_tps p50|e2e_tps mean|Output tokens|Est. cost|Cold start|\n");
        assertThat(md.lines().filter(l -> l.startsWith("|slow-b|ok|100%|20/20|"))).hasSize(1);
    }
}
