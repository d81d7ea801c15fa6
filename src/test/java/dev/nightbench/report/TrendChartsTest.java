package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trend charts' x axis: one step per run, labelled with run date and id; PNGs kept under target/test-artifacts. */
class TrendChartsTest {

    private static final Instant NIGHT = Instant.parse("2026-12-05T02:00:00Z");

    @Test
    void eachRunIsLabelledWithItsDateAndIdSoTwoRunsOfOneDayStayApart() {
        // given: a night's run, then two runs on the next day (the second one a re-run at noon)
        List<TrendReport.TrendPoint> points = List.of(point(40, 0, 0), point(41, 1, 0), point(42, 1, 10));

        // when
        TrendCharts.RunAxis axis = TrendCharts.RunAxis.of(points, List.of());

        // then
        assertThat(List.of(axis.label(0.0), axis.label(1.0), axis.label(2.0)))
                .containsExactly("12-05 #40", "12-06 #41", "12-06 #42");
        assertThat(axis.x(42)).isEqualTo(2.0);
        assertThat(axis.label(0.5)).as("nothing between two runs").isEmpty();
        assertThat(axis.label(3.0)).as("nothing past the newest run").isEmpty();
    }

    @Test
    void runsAreOrderedByStartThenIdWhateverOrderTheyComeIn() {
        TrendCharts.RunAxis axis = TrendCharts.RunAxis.of(List.of(point(9, 2, 0), point(7, 0, 0)),
                List.of(new QualityTrend.Point("m", 8, LocalDate.of(2026, 12, 6), NIGHT.plus(Duration.ofDays(1)),
                        null, 1.0)));

        assertThat(axis.runIds()).containsExactly(7L, 8L, 9L);
    }

    @Test
    void theXAxisCarriesLabelsForAFewRunsAndForAFullWindow() throws Exception {
        Path artifacts = Files.createDirectories(Path.of("target/test-artifacts"));
        for (int runs : List.of(3, 8, 30)) {
            List<TrendReport.TrendPoint> points = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                points.add(point(100 + i, i / 2, i % 2 * 10)); // two runs a day
            }
            byte[] png = TrendCharts.render(points, List.of("m")).getFirst().png();
            Files.write(artifacts.resolve("trend-axis-" + runs + "-runs.png"), png);

            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(3 * TrendCharts.PANEL_WIDTH);
            // the band under the plot, where the labels stand: ink across its width, not only at one end
            int bandTop = TrendCharts.PANEL_HEIGHT - (runs <= TrendCharts.SLANTED_LABELS ? 40 : 60);
            int inkedColumns = 0;
            for (int x = 0; x < TrendCharts.PANEL_WIDTH; x++) {
                for (int y = bandTop; y < TrendCharts.PANEL_HEIGHT; y++) {
                    if ((image.getRGB(x, y) & 0xff) < 128) {
                        inkedColumns++;
                        break;
                    }
                }
            }
            assertThat(inkedColumns).as("columns with label ink under the plot, " + runs + " runs").isGreaterThan(60);
        }
    }

    private static TrendReport.TrendPoint point(long runId, int day, int hour) {
        Instant started = NIGHT.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour));
        return new TrendReport.TrendPoint("m", runId, LocalDate.of(2026, 12, 5).plusDays(day), started,
                300.0 + runId % 7, 320.0 + runId % 5, 40.0, 1.0);
    }
}
