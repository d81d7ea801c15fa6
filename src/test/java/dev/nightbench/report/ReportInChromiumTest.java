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

        // when / then
        screenshot(html, screenshot, 2000);
    }

    @Test
    void theLoadSectionAndItsChartsRenderInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        // given: a run with a sweep that broke, a lagging rate level and a noisy mean, seen from its Load section down
        History history = History.fresh();
        long run = history.loadRun(LocalDate.of(2026, 11, 22));
        Path artifacts = Path.of("target/test-artifacts").toAbsolutePath();
        Path dir = history.reportService(TrendSettings.defaults(), artifacts.resolve("reports")).write(run);
        Path html = dir.resolve("report.html");
        String page = Files.readString(html);
        // the screenshot starts at the Models section: the load tables and charts are what to look at
        Path models = dir.resolve("report-from-models.html");
        Files.writeString(models, page.substring(0, page.indexOf("<body>") + 7) + page.substring(page.indexOf("<h2>Models</h2>")));

        screenshot(models, artifacts.resolve("report-load-screenshot.png"), 2600);
    }

    private void screenshot(Path html, Path screenshot, int height) throws Exception {
        Files.deleteIfExists(screenshot);
        Path profile = work.resolve("chromium-profile-" + height);
        Path logFile = work.resolve("chromium-" + height + ".log");
        Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--screenshot=" + screenshot, "--window-size=1280," + height, html.toUri().toString()))
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        boolean exited = chromium.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            chromium.destroyForcibly();
        }

        assertThat(exited).as("Chromium finished within 2 minutes").isTrue();
        assertThat(chromium.exitValue()).as(Files.readString(logFile)).isZero();
        assertThat(screenshot).exists();
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
}
