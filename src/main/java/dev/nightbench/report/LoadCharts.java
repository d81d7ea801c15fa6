package dev.nightbench.report;

import dev.nightbench.store.LoadPhaseStatus;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Draws, per model and load mode of a run, how the model behaved as the load grew: one PNG of three panels against
 * the offered load (concurrency, or request rate): request throughput, E2E p95 (with the SLO's limit) and goodput
 * (success rate when the plan gives no latency SLO). Levels that broke an SLO are marked. Reads only the run's
 * {@code load_summaries} rows; levels that were skipped have no figures and are left out, and a mode with a single
 * level that ran gets no chart (a point is no curve).
 */
final class LoadCharts {

    static {
        System.setProperty("java.awt.headless", "true"); // before XChart touches AWT
    }

    /** One model's figure for one load mode. */
    record Chart(String modelAlias, String loadMode, String fileName, byte[] png) {
    }

    private static final Color THROUGHPUT = new Color(0x1f77b4);
    private static final Color OFFERED = new Color(0x8c8c8c);
    private static final Color E2E = new Color(0xff7f0e);
    private static final Color SLO = new Color(0xb3261e);
    private static final Color GOODPUT = new Color(0x2ca02c);
    private static final Color BROKE = new Color(0xd62728);

    private LoadCharts() {
    }

    /** One chart per model and load mode with at least two levels that ran, models in {@code modelOrder}. */
    static List<Chart> render(List<ReportData.LoadLevel> levels, ReportData.Slo slo, List<String> modelOrder) {
        Map<String, Map<String, List<ReportData.LoadLevel>>> byModel = new LinkedHashMap<>();
        for (String m : modelOrder) {
            byModel.put(m, new LinkedHashMap<>());
        }
        for (ReportData.LoadLevel l : levels) {
            if (!l.skipped() && l.requests() != null) {
                byModel.computeIfAbsent(l.modelAlias(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(l.loadMode(), k -> new ArrayList<>()).add(l);
            }
        }
        List<Callable<Chart>> work = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, Map<String, List<ReportData.LoadLevel>>> model : byModel.entrySet()) {
            index++;
            for (Map.Entry<String, List<ReportData.LoadLevel>> mode : model.getValue().entrySet()) {
                if (mode.getValue().size() < 2) {
                    continue; // one level is a point, not a curve: the table says it all
                }
                String file = fileName(index, model.getKey(), mode.getKey());
                List<ReportData.LoadLevel> points = mode.getValue();
                work.add(() -> new Chart(model.getKey(), mode.getKey(), file, png(mode.getKey(), points, slo)));
            }
        }
        return TrendCharts.drawAll(work);
    }

    /** Draws a sweep and two rates, thrown away: see {@link TrendCharts#warmUpInBackground()}. */
    static void warmUp() {
        List<ReportData.LoadLevel> levels = new ArrayList<>();
        for (double level : new double[]{1, 2, 4, 8, 16, 5, 20}) {
            String mode = level == 5 || level == 20 ? "rate" : "concurrency";
            levels.add(new ReportData.LoadLevel("warm-up", mode, level, true, LoadPhaseStatus.RAN, null, 8, (int) level, level < 16,
                    level < 16 ? null : "ttft_ms p95 600 ms > 500 ms", null, 8, 8, 0.0, 1.0, 8, 1000.0, level, level * 20,
                    1.0, 2.0, 3.0, 100.0, 100 + level * 20, 10.0, 12.0, 300.0, 300 + level * 40));
        }
        png("concurrency", levels.subList(0, 5), new ReportData.Slo(500.0, null, 2000.0, 0.05, 95));
        png("rate", levels.subList(5, 7), ReportData.Slo.NONE);
    }

    /** A file name safe on every file system and in a Markdown link, unique through the model's position. */
    static String fileName(int index, String modelAlias, String loadMode) {
        String safe = modelAlias.replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format("load-%02d-%s-%s.png", index, safe.length() > 60 ? safe.substring(0, 60) : safe,
                loadMode.replaceAll("[^a-z]", "_"));
    }

    private static byte[] png(String loadMode, List<ReportData.LoadLevel> levels, ReportData.Slo slo) {
        boolean rate = "rate".equals(loadMode);
        String xTitle = rate ? "offered rate (req/s)" : "concurrency (requests in flight)";
        List<ReportData.LoadLevel> points = levels.stream()
                .sorted((a, b) -> Double.compare(x(a), x(b))).toList();
        double min = points.stream().mapToDouble(LoadCharts::x).min().orElse(1);
        double max = points.stream().mapToDouble(LoadCharts::x).max().orElse(1);
        // levels doubling from 1 to 64 would crowd the left of a linear axis: plot them on log2, labelled as levels
        Axis axis = min > 0 && max / min >= 8 ? Axis.LOG2 : Axis.LINEAR;

        XYChart throughput = panel("Throughput (req/s)", xTitle, "req/s", axis, min, max, Styler.LegendPosition.OutsideS);
        series(throughput, "ok requests/s", axis, points, ReportData.LoadLevel::requestThroughput, THROUGHPUT);
        if (rate) { // what was asked for: a throughput below it is load the model did not keep up with
            series(throughput, "offered", axis, points, LoadCharts::x, OFFERED);
        }
        broken(throughput, axis, points, ReportData.LoadLevel::requestThroughput);

        XYChart e2e = panel("E2E p95 (ms)", xTitle, "ms", axis, min, max, Styler.LegendPosition.OutsideS);
        series(e2e, "e2e_ms p95", axis, points, ReportData.LoadLevel::e2eMsP95, E2E);
        if (slo.e2eMs() != null) {
            series(e2e, "SLO e2e_ms", axis, points, l -> slo.e2eMs(), SLO).setMarker(SeriesMarkers.NONE);
        }
        broken(e2e, axis, points, ReportData.LoadLevel::e2eMsP95);

        boolean goodput = points.stream().anyMatch(l -> l.goodput() != null);
        Function<ReportData.LoadLevel, Double> share = goodput
                ? l -> l.goodput() == null ? null : l.goodput() * 100
                : l -> l.errorRate() == null ? null : (1 - l.errorRate()) * 100;
        XYChart third = panel(goodput ? "Goodput (%)" : "Success rate (%), no latency SLO", xTitle, "%", axis, min, max,
                Styler.LegendPosition.OutsideS);
        series(third, goodput ? "goodput" : "success rate", axis, points, share, GOODPUT);
        broken(third, axis, points, share);
        third.getStyler().setYAxisMax(100.0);

        return TrendCharts.paint(List.of(throughput, e2e, third));
    }

    private static double x(ReportData.LoadLevel l) {
        Double rate = l.rate();
        return rate != null ? rate : l.loadLevel();
    }

    /** How the offered load maps onto the x axis. */
    private enum Axis {
        LINEAR, LOG2;

        double of(double level) {
            return this == LOG2 ? Math.log(level) / Math.log(2) : level;
        }
    }

    private static XYChart panel(String title, String xTitle, String yTitle, Axis axis, double min, double max,
                                 Styler.LegendPosition legend) {
        XYChart chart = TrendCharts.styled(new XYChartBuilder().width(TrendCharts.PANEL_WIDTH)
                .height(TrendCharts.PANEL_HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build());
        var s = chart.getStyler();
        s.setLegendPosition(legend).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setMarkerSize(8); // large enough for the cross on a broken level to show
        if (axis == Axis.LOG2) {
            // ticks at whole powers of two carry the level (1, 2, 4 ... 64); ticks between them stay unlabelled. The
            // axis bounds must be labelled differently, or XChart falls back to labelling the bounds only.
            s.setXAxisTickLabelsFormattingFunction(v -> Math.abs(v - Math.rint(v)) < 1e-9
                    ? Format.level(Math.pow(2, Math.rint(v))) : "");
        } else {
            s.setXAxisDecimalPattern("#,##0.##");
        }
        if (min == max) { // a single level: give the axis a width
            s.setXAxisMin(min * 0.5).setXAxisMax(min * 1.5);
        } else { // from the lowest level to the highest, as XChart would; on log2 both bounds are labelled levels
            s.setXAxisMin(axis.of(min)).setXAxisMax(axis.of(max));
        }
        return chart;
    }

    /** The series, or null when no point has a value. */
    private static XYSeries series(XYChart chart, String name, Axis axis, List<ReportData.LoadLevel> points,
                                   Function<ReportData.LoadLevel, Double> value, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (ReportData.LoadLevel p : points) {
            Double v = value.apply(p);
            if (v != null && !v.isNaN()) {
                x.add(axis.of(x(p)));
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return null; // e.g. every request failed: no latency to draw, the panel stays empty rather than showing zeros
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        return series;
    }

    /** Red crosses on the levels that broke an SLO or the error-rate limit. */
    private static void broken(XYChart chart, Axis axis, List<ReportData.LoadLevel> points,
                               Function<ReportData.LoadLevel, Double> value) {
        List<ReportData.LoadLevel> broke = points.stream().filter(l -> Boolean.FALSE.equals(l.held())).toList();
        if (broke.isEmpty()) {
            return;
        }
        XYSeries s = series(chart, "SLO broken", axis, broke, value, BROKE);
        if (s == null) {
            return;
        }
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CROSS);
    }
}
