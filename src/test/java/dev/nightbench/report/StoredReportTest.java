package dev.nightbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard's run page ({@link ReportService#html}) on a real PostgreSQL: the same document as the written
 * {@code report.html}, from the database alone, its comparison read as stored and never replaced.
 */
class StoredReportTest {

    @TempDir
    Path reports;

    @Test
    void theRunPageIsTheWrittenReportReadFromTheDatabaseWithoutWritingAnything() throws Exception {
        // given: two nights, the second slowed and reported (its comparison stored)
        History history = History.fresh();
        history.night(LocalDate.of(2026, 11, 21), 1, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        ReportService service = history.reportService(TrendSettings.defaults(), reports);
        String written = Files.readString(service.write(current).resolve("report.html"));
        var regressions = service.regressions(current);
        long files;
        try (var walk = Files.walk(reports)) {
            files = walk.count();
        }

        // when: rendered again with other settings (a pinned baseline that must not be used: the stored one is)
        ReportService other = history.reportService(new TrendSettings(BaselineMode.PINNED, 7, current, 0.5, 0.01),
                reports);
        String page = other.html(current, "<nav id=\"banner\">nav</nav>");

        // then: the same report, the banner first in the body, nothing written or replaced
        assertThat(page).isEqualTo(written.replace("<body>\n", "<body>\n<nav id=\"banner\">nav</nav>\n"));
        assertThat(other.regressions(current)).isEqualTo(regressions).isNotEmpty();
        try (var walk = Files.walk(reports)) {
            assertThat(walk.count()).isEqualTo(files);
        }
        assertThatThrownBy(() -> other.html(current + 1000, null)).hasMessageContaining("no run with id");
    }
}
