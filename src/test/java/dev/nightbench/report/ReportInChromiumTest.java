package dev.nightbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the HTML report in a real headless Chromium, offline, and keeps its screenshot under
 * {@code target/test-artifacts/} for a human to look at. Skipped where Chromium is not installed.
 */
class ReportInChromiumTest {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("NIGHTBENCH_CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path work;

    @Test
    void theHtmlReportRendersInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        // given: three nights, the last with a slowed model and a hostile answer
        History history = History.fresh();
        history.night(LocalDate.of(2026, 11, 20), 1, null, 1);
        history.night(LocalDate.of(2026, 11, 21), 3, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        Path artifacts = Path.of("target/test-artifacts").toAbsolutePath();
        Path html = history.reportService(TrendSettings.defaults(), artifacts.resolve("reports")).write(current)
                .resolve("report.html");
        Path screenshot = artifacts.resolve("report-screenshot.png");
        Files.deleteIfExists(screenshot);

        // when
        Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + work.resolve("chromium-profile"),
                "--screenshot=" + screenshot, "--window-size=1280,2000", html.toUri().toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        boolean exited = chromium.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            chromium.destroyForcibly();
        }

        // then
        assertThat(exited).as("Chromium finished within 2 minutes").isTrue();
        assertThat(chromium.exitValue()).as(Files.readString(work.resolve("chromium.log"))).isZero();
        assertThat(screenshot).exists();
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
