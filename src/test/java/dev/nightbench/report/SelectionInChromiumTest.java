package dev.nightbench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "Model selection" section as rendered HTML, in a real headless Chromium (skipped where it is not installed):
 * the DOM Chromium builds has the table, the recommendation and the marked violations, and the screenshot kept under
 * {@code target/test-artifacts/} shows the marks in the report's red and the recommendation in its green. The
 * section is built from rows as the view gives them, so the picture does not depend on a run's timing.
 */
class SelectionInChromiumTest {

    @TempDir
    Path work;

    static SelectionData demo() {
        List<SelectionData.Row> rows = List.of(
                new SelectionData.Row("sim-fast", "available", 67.2, 90.6, null, 1200.0, "size_mb", 1.0, 4.8, 1200.0,
                        "size_mb", "apache-2.0", "plan", 0.0172, 1.72e-5, 1.5e-4, "hardware+energy", "EUR"),
                new SelectionData.Row("sim-medium", "available", 202.1, 350.4, 37.6, 2500.0, "size_mb", 1.0, 4.1,
                        2500.0, "size_mb", "mit", "plan", 8.83, 8.83e-3, 0.0795, "price", "EUR"),
                new SelectionData.Row("sim-large", "available", 439.4, 1812.5, 20.6, 8200.0, "size_mb", 0.667, 3.9,
                        8200.0, "size_mb", "llama3-community", "server", 0.11, 1.1e-4, 1.0e-3, "hardware+energy", "EUR"));
        List<SelectionData.Rule> rules = List.of(
                new SelectionData.Rule("constraint", "p95_e2e_ms", null, 1500.0, null, null),
                new SelectionData.Rule("constraint", "pass_rate", 0.9, null, null, null),
                new SelectionData.Rule("constraint", "licence", null, null, "mit,apache-2.0", null),
                new SelectionData.Rule("optimise", "cost", null, null, null, null));
        List<SelectionData.CostPoint> trend = List.of(
                new SelectionData.CostPoint("sim-fast", 1, LocalDate.of(2026, 12, 1), 0.0169, "EUR"),
                new SelectionData.CostPoint("sim-medium", 1, LocalDate.of(2026, 12, 1), 8.83, "EUR"),
                new SelectionData.CostPoint("sim-fast", 2, LocalDate.of(2026, 12, 2), 0.0172, "EUR"),
                new SelectionData.CostPoint("sim-medium", 2, LocalDate.of(2026, 12, 2), 8.83, "EUR"));
        return new SelectionData(rows, rules, trend);
    }

    @Test
    void theSelectionSectionRendersWithItsMarksInHeadlessChromium() throws Exception {
        assumeTrue(Files.isExecutable(ReportInChromiumTest.CHROMIUM), "Chromium is not installed");
        ReportDocument doc = new ReportDocument("Model selection demo");
        doc.add(new ReportDocument.Heading(2, "Trends"));
        SelectionContent.insert(doc, demo());
        Path artifacts = Path.of("target/test-artifacts").toAbsolutePath();
        Files.createDirectories(artifacts);
        Path html = Files.writeString(artifacts.resolve("selection.html"), HtmlRenderer.render(doc));
        Path png = artifacts.resolve("report-selection-screenshot.png");
        Files.deleteIfExists(png);

        String dom = chromium(List.of("--dump-dom", html.toUri().toString()), "dom");
        chromium(List.of("--screenshot=" + png, "--window-size=1400,900", html.toUri().toString()), "png");

        // the DOM as Chromium parsed it: the section before Trends, the marks and the verdict
        assertThat(dom.indexOf("<h2>Model selection</h2>")).isPositive().isLessThan(dom.indexOf("<h2>Trends</h2>"));
        assertThat(dom).contains("<span class=\"good\"> ★ recommended</span>",
                "<span class=\"bad\">✗ 1812.5 ms</span>", "<span class=\"bad\">✗ llama3-community</span>",
                "<code>sim-fast</code>: meets every constraint; cheapest at 0.02 EUR per 1,000 prompts.",
                "<code>sim-medium</code>: 8.83 EUR per 1,000 prompts.",
                "Cost per 1,000 prompts over the last 2 runs");
        // the picture: the violations in the report's red (#b3261e) and the recommendation in its green (#1a7f37)
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(pixelsNear(image, 0xb3261e)).as("red violation marks").isGreaterThan(200);
        assertThat(pixelsNear(image, 0x1a7f37)).as("green recommendation and ✓ meets").isGreaterThan(200);
    }

    private String chromium(List<String> args, String name) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ReportInChromiumTest.CHROMIUM.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + work.resolve("profile-" + name)));
        command.addAll(args);
        Path out = work.resolve(name + ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(work.resolve(name + ".err").toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("Chromium finished within 2 minutes").isTrue();
        assertThat(p.exitValue()).as(Files.readString(work.resolve(name + ".err"))).isZero();
        return Files.readString(out);
    }

    /** Pixels within a small distance of an RGB colour (anti-aliased text keeps its core colour). */
    private static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int dr = ((p >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((p >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (p & 0xff) - (rgb & 0xff);
                if (dr * dr + dg * dg + db * db < 24 * 24) {
                    n++;
                }
            }
        }
        return n;
    }
}
