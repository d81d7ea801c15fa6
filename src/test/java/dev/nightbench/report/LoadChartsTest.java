package dev.nightbench.report;

import dev.nightbench.store.LoadPhaseStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The load charts, drawn off-screen; kept under {@code target/test-artifacts/} for a human to look at. */
class LoadChartsTest {

    static final ReportData.Slo SLO = new ReportData.Slo(150.0, 30.0, 1500.0, 0.05, 95);

    /** A ran level with its figures; {@code held} false marks a broken one. */
    static ReportData.LoadLevel level(String model, String mode, double level, boolean sweep, double throughput,
                                      double e2eP95, Double goodput, boolean held, Double lagP95) {
        return new ReportData.LoadLevel(model, mode, level, sweep, LoadPhaseStatus.RAN, "rate".equals(mode) ? level : null, 32,
                (int) Math.ceil(level), held, held ? null : "ttft_ms p95 235.5 ms > 150 ms", null, 32, 32, 0.0, goodput,
                goodput == null ? null : (int) Math.round(goodput * 32), 2000.0, throughput, throughput * 24,
                lagP95 == null ? null : lagP95 / 3, lagP95, lagP95 == null ? null : lagP95 * 2, 50.0, 90.0, 9.0, 12.0,
                e2eP95 * 0.8, e2eP95);
    }

    static ReportData.LoadLevel skipped(String model, String mode, double level) {
        return new ReportData.LoadLevel(model, mode, level, true, LoadPhaseStatus.SKIPPED, null, 32, 0, null, null,
                "sweep stopped: SLO ttft_ms p95 235.5 ms > 150 ms broke at concurrency 16", null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static List<ReportData.LoadLevel> sweepAndRates() {
        return List.of(
                level("busy", "concurrency", 2, true, 7.9, 293, 1.0, true, null),
                level("busy", "concurrency", 4, true, 13.8, 351, 1.0, true, null),
                level("busy", "concurrency", 8, true, 16.1, 596, 0.938, true, null),
                level("busy", "concurrency", 16, true, 16.9, 997, 0.438, false, null),
                skipped("busy", "concurrency", 32),
                level("busy", "rate", 5, false, 4.9, 300, 1.0, true, 2.0),
                level("busy", "rate", 20, false, 16.2, 900, 0.8, true, 40.0));
    }

    @Test
    void oneChartPerModelAndLoadModeWithLevelsThatRanInModelOrder() throws Exception {
        List<LoadCharts.Chart> charts = LoadCharts.render(sweepAndRates(), SLO, List.of("fast", "busy"));

        assertThat(charts).extracting(LoadCharts.Chart::fileName)
                .containsExactly("load-02-busy-concurrency.png", "load-02-busy-rate.png");
        Path artifacts = Files.createDirectories(Path.of("target/test-artifacts"));
        for (LoadCharts.Chart c : charts) {
            assertThat(c.png()).startsWith(0x89, 'P', 'N', 'G');
            assertThat(c.png().length).isGreaterThan(5_000);
            Files.write(artifacts.resolve(c.fileName()), c.png());
        }
    }

    @Test
    void levelsWithoutGoodputOrLatencyStillDrawAndASingleLevelGetsNoChart() {
        ReportData.LoadLevel allFailed = new ReportData.LoadLevel("m", "concurrency", 4, false, LoadPhaseStatus.RAN, null, 8, 4,
                false, "error rate 1.000 > 0.05 (8 of 8 failed)", null, 8, 0, 1.0, null, null, 100.0, 0.0, 0.0, null,
                null, null, null, null, null, null, null, null);
        ReportData.LoadLevel one = level("m", "rate", 2, false, 2, 300, null, true, 1.0);

        List<LoadCharts.Chart> charts = LoadCharts.render(List.of(level("m", "concurrency", 1, false, 3, 250, null,
                true, null), allFailed, one), ReportData.Slo.NONE, List.of("m"));

        assertThat(charts).singleElement().satisfies(c -> {
            assertThat(c.loadMode()).isEqualTo("concurrency");
            assertThat(c.png()).startsWith(0x89, 'P', 'N', 'G');
        });
    }

    @Test
    void chartFileNamesAreSafeForAnyAlias() {
        assertThat(LoadCharts.fileName(3, "llama3.2:1b/../x", "rate")).isEqualTo("load-03-llama3.2_1b_.._x-rate.png");
    }
}
