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
 * Opens the HTML report in a real headless Chromium, offline, at a laptop's 1,400 px, and keeps its screenshot under
 * {@code target/test-artifacts/} for a human to look at; a copy that measures its own layout says whether a table
 * scrolls sideways. Skipped where Chromium (Debian's {@code chromium}) is not installed.
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
    void atALaptopsWidthNoTableScrollsSidewaysAndStatusAndSuccessAreInView() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        // given: the report of a regressed night, and a copy that measures itself (the report itself runs no script)
        History history = History.fresh();
        history.night(LocalDate.of(2026, 11, 20), 1, null, 1);
        history.night(LocalDate.of(2026, 11, 21), 3, null, 1);
        long current = history.night(LocalDate.of(2026, 11, 22), 2, "slow-b", 1.5);
        Path dir = history.reportService(TrendSettings.defaults(), work.resolve("reports")).write(current);
        String page = Files.readString(dir.resolve("report.html"));
        Path measured = dir.resolve("report-measured.html");
        Files.writeString(measured, page.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", MEASURE + "</body>"));

        // when
        String dom = dumpDom(measured, LAPTOP_WIDTH);

        // then
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<pre id=\"layout\">viewport=(\\d+) page=(\\d+) "
                + "overflow=(-?\\d+) status=(\\d+) success=(\\d+) statusRight=([\\d.]+) successRight=([\\d.]+)</pre>")
                .matcher(dom);
        assertThat(m.find()).as("the measuring script's line in " + dom.substring(Math.max(0, dom.length() - 2000)))
                .isTrue();
        int viewport = Integer.parseInt(m.group(1));
        assertThat(viewport).isEqualTo(LAPTOP_WIDTH);
        assertThat(Integer.parseInt(m.group(2))).as("page width").isLessThanOrEqualTo(viewport);
        assertThat(Integer.parseInt(m.group(3))).as("widest table's overflow of its box").isLessThanOrEqualTo(0);
        assertThat(Integer.parseInt(m.group(4))).as("Status headers").isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(m.group(5))).as("Success headers").isGreaterThanOrEqualTo(1);
        assertThat(Double.parseDouble(m.group(6))).as("right edge of Status").isLessThanOrEqualTo(viewport);
        assertThat(Double.parseDouble(m.group(7))).as("right edge of Success").isLessThanOrEqualTo(viewport);
        screenshot(dir.resolve("report.html"), Path.of("target/test-artifacts").toAbsolutePath()
                .resolve("report-1400-screenshot.png"), 1600);
    }

    static final int LAPTOP_WIDTH = 1400;

    /** Writes the page's layout into a line the test reads back from the DOM Chromium dumps. */
    private static final String MEASURE = """
            <script>
            (function () {
              var right = function (text) {
                var max = 0, n = 0;
                document.querySelectorAll('th').forEach(function (th) {
                  if (th.textContent.trim() === text) { n++; max = Math.max(max, th.getBoundingClientRect().right); }
                });
                return [n, max];
              };
              var overflow = -1;
              document.querySelectorAll('.scroll').forEach(function (d) {
                overflow = Math.max(overflow, d.scrollWidth - d.clientWidth);
              });
              var status = right('Status'), success = right('Success');
              var pre = document.createElement('pre');
              pre.id = 'layout';
              pre.textContent = 'viewport=' + window.innerWidth + ' page=' + document.documentElement.scrollWidth
                  + ' overflow=' + overflow + ' status=' + status[0] + ' success=' + success[0]
                  + ' statusRight=' + status[1].toFixed(1) + ' successRight=' + success[1].toFixed(1);
              document.body.appendChild(pre);
            })();
            </script>
            """;

    private String dumpDom(Path html, int width) throws Exception {
        Path profile = work.resolve("chromium-profile-dom");
        Path dom = work.resolve("dom.html");
        Path logFile = work.resolve("chromium-dom.log");
        Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + ",1000",
                "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString()))
                .redirectError(logFile.toFile()).redirectOutput(dom.toFile()).start();
        boolean exited = chromium.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            chromium.destroyForcibly();
        }
        assertThat(exited).as("Chromium finished within 2 minutes").isTrue();
        assertThat(chromium.exitValue()).as(Files.readString(logFile)).isZero();
        return Files.readString(dom);
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
                "--screenshot=" + screenshot, "--window-size=" + LAPTOP_WIDTH + "," + height, html.toUri().toString()))
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
