package dev.nightbench.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Draws each model's trend over the chart window as one PNG of three panels: TTFT p50 and p95, decode tokens/s
 * (p50) and success rate; and, for a plan with answer checks or a judge, a second PNG per model of its quality: check
 * pass rate and mean judge score per criterion ({@link QualityTrend}). Reads only per-run summary points (a few per
 * model), never requests. Off-screen and headless: no display is needed.
 */
final class TrendCharts {

    static {
        System.setProperty("java.awt.headless", "true"); // before XChart touches AWT
    }

    /** One model's figure; {@code quality} for its quality chart (check pass rate, judge scores). */
    record Chart(String modelAlias, String fileName, byte[] png, boolean quality) {
    }

    static final int PANEL_WIDTH = 430;
    static final int PANEL_HEIGHT = 280;
    private static final Color P50 = new Color(0x1f77b4);
    private static final Color P95 = new Color(0xff7f0e);
    private static final Color TPS = new Color(0x2ca02c);
    private static final Color SUCCESS = new Color(0x9467bd);
    /** One colour per rubric criterion, in rubric order (repeating past six). */
    private static final Color[] CRITERIA = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf)};

    /** Up to this many runs, the x labels are slanted (45°, all fit); beyond, upright. */
    static final int SLANTED_LABELS = 6;

    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private TrendCharts() {
    }

    /**
     * Draws a few throw-away charts (trend and load) on a background thread, once per JVM: loading AWT, fonts and
     * XChart takes a second or more in a fresh JVM, and doing it while the job measures (or while Spring starts for {@code report})
     * keeps that second out of the report's own time.
     */
    static void warmUpInBackground() {
        if (!WARMED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                // a month of points, drawn a few times so the JIT compiles the drawing code too
                List<TrendReport.TrendPoint> month = new ArrayList<>();
                for (int day = 0; day < 30; day++) {
                    month.add(new TrendReport.TrendPoint("warm-up", day, LocalDate.EPOCH.plusDays(day),
                            Instant.EPOCH.plus(Duration.ofDays(day)), 100.0 + day % 7, 150.0 + day % 5, 40.0 + day % 3,
                            1.0 - day % 2 / 100.0));
                }
                RunAxis axis = RunAxis.of(month, List.of());
                for (int i = 0; i < 8; i++) {
                    png(month, axis);
                    LoadCharts.warmUp();
                }
            } catch (RuntimeException | Error e) {
                // the report's own attempt says what is wrong
            }
        }, "trend-charts-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** One chart per model, in {@code modelOrder} (models without points are left out). */
    static List<Chart> render(List<TrendReport.TrendPoint> points, List<String> modelOrder) {
        return render(points, List.of(), modelOrder);
    }

    /**
     * One chart per model, in {@code modelOrder} (models without points are left out), each followed by the model's
     * quality chart when it has quality points.
     */
    static List<Chart> render(List<TrendReport.TrendPoint> points, List<QualityTrend.Point> quality,
                              List<String> modelOrder) {
        Map<String, List<TrendReport.TrendPoint>> byModel = new LinkedHashMap<>();
        for (String m : modelOrder) {
            byModel.put(m, new ArrayList<>());
        }
        for (TrendReport.TrendPoint p : points) {
            byModel.computeIfAbsent(p.modelAlias(), k -> new ArrayList<>()).add(p);
        }
        Map<String, List<QualityTrend.Point>> qualityByModel = new LinkedHashMap<>();
        for (QualityTrend.Point p : quality) {
            qualityByModel.computeIfAbsent(p.modelAlias(), k -> new ArrayList<>()).add(p);
            byModel.putIfAbsent(p.modelAlias(), new ArrayList<>());
        }
        List<Callable<Chart>> work = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, List<TrendReport.TrendPoint>> e : byModel.entrySet()) {
            index++;
            List<QualityTrend.Point> q = qualityByModel.get(e.getKey());
            RunAxis axis = RunAxis.of(e.getValue(), q == null ? List.of() : q);
            if (!e.getValue().isEmpty()) {
                String file = fileName(index, e.getKey());
                work.add(() -> new Chart(e.getKey(), file, png(e.getValue(), axis), false));
            }
            if (q != null) {
                String file = "quality-" + fileName(index, e.getKey()).substring("trend-".length());
                work.add(() -> new Chart(e.getKey(), file, qualityPng(q, axis), true));
            }
        }
        return drawAll(work);
    }

    /**
     * The quality panels of one model: check pass rate (%) when it has checks, and the mean judge score of each
     * criterion (1-5, one series per criterion) when it was judged.
     */
    private static byte[] qualityPng(List<QualityTrend.Point> points, RunAxis axis) {
        List<XYChart> panels = new ArrayList<>();
        List<QualityTrend.Point> checks = points.stream().filter(p -> p.criterion() == null).toList();
        if (!checks.isEmpty()) {
            XYChart rate = panel("Check pass rate (%)", "%", axis);
            dated(rate, axis, "check pass rate", checks, p -> p.value() * 100, SUCCESS);
            rate.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
            panels.add(rate);
        }
        Map<String, List<QualityTrend.Point>> byCriterion = new LinkedHashMap<>();
        for (QualityTrend.Point p : points) {
            if (p.criterion() != null) {
                byCriterion.computeIfAbsent(p.criterion(), k -> new ArrayList<>()).add(p);
            }
        }
        if (!byCriterion.isEmpty()) {
            XYChart scores = panel("Judge score (mean, 1-5)", "score", axis);
            int i = 0;
            for (Map.Entry<String, List<QualityTrend.Point>> e : byCriterion.entrySet()) {
                dated(scores, axis, e.getKey(), e.getValue(), QualityTrend.Point::value, CRITERIA[i++ % CRITERIA.length]);
            }
            scores.getStyler().setYAxisMin(0.0).setYAxisMax(5.0);
            panels.add(scores);
        }
        return paint(panels);
    }

    private static void dated(XYChart chart, RunAxis axis, String name, List<QualityTrend.Point> points,
                              Function<QualityTrend.Point, Double> value, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (QualityTrend.Point p : points) {
            x.add(axis.x(p.runId()));
            y.add(value.apply(p));
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
    }

    /**
     * Runs chart-drawing tasks, in parallel when there are several: drawing and PNG encoding take tens of
     * milliseconds a chart, so a big plan's report uses the cores it can get. Results in task order.
     */
    static <T> List<T> drawAll(List<Callable<T>> work) {
        if (work.size() <= 1) {
            List<T> charts = new ArrayList<>();
            for (Callable<T> c : work) {
                charts.add(call(c));
            }
            return charts;
        }
        int threads = Math.min(work.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "report-charts");
            t.setDaemon(true);
            return t;
        });
        try {
            List<T> charts = new ArrayList<>(work.size());
            for (Future<T> f : pool.invokeAll(work)) {
                charts.add(f.get());
            }
            return charts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing the charts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err; // e.g. AWTError on a host without a usable AWT: the caller reports it
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T call(Callable<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The runs of one model's charts, oldest first (by start, then id): run {@code i} is drawn at x = i, whatever
     * the time between runs, and labelled "MM-dd #id".
     */
    record RunAxis(List<Long> runIds, List<LocalDate> runDates, Map<Long, Integer> index) {

        private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd");

        static RunAxis of(List<TrendReport.TrendPoint> trend, List<QualityTrend.Point> quality) {
            record Run(long id, LocalDate date, Instant startedAt) {
            }
            Map<Long, Run> runs = new HashMap<>();
            trend.forEach(p -> runs.putIfAbsent(p.runId(), new Run(p.runId(), p.runDate(), p.startedAt())));
            quality.forEach(p -> runs.putIfAbsent(p.runId(), new Run(p.runId(), p.runDate(), p.startedAt())));
            List<Run> ordered = runs.values().stream()
                    .sorted(Comparator.comparing(Run::startedAt).thenComparing(Run::id)).toList();
            Map<Long, Integer> index = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                index.put(ordered.get(i).id(), i);
            }
            return new RunAxis(ordered.stream().map(Run::id).toList(), ordered.stream().map(Run::date).toList(),
                    Map.copyOf(index));
        }

        int size() {
            return runIds.size();
        }

        double x(long runId) {
            return index.get(runId);
        }

        /** "11-22 #3" at a run's position; nothing between runs (XChart may ask for ticks at fractions). */
        String label(Double x) {
            long i = Math.round(x);
            if (Math.abs(x - i) > 1e-6 || i < 0 || i >= runIds.size()) {
                return "";
            }
            LocalDate date = runDates.get((int) i);
            return (date == null ? "" : DAY.format(date) + " ") + "#" + runIds.get((int) i);
        }
    }

    /** A file name safe on every file system and in a Markdown link, unique through the model's position. */
    static String fileName(int index, String modelAlias) {
        String safe = modelAlias.replaceAll("[^A-Za-z0-9._-]", "_");
        return String.format("trend-%02d-%s.png", index, safe.length() > 60 ? safe.substring(0, 60) : safe);
    }

    private static byte[] png(List<TrendReport.TrendPoint> points, RunAxis axis) {
        XYChart ttft = panel("TTFT (ms)", "ms", axis);
        series(ttft, axis, "p50", points, TrendReport.TrendPoint::ttftMsP50, P50);
        series(ttft, axis, "p95", points, TrendReport.TrendPoint::ttftMsP95, P95);
        XYChart tps = panel("Decode tokens/s (p50)", "tokens/s", axis);
        series(tps, axis, "decode_tps p50", points, TrendReport.TrendPoint::decodeTpsP50, TPS);
        XYChart success = panel("Success rate (%)", "%", axis);
        series(success, axis, "success rate", points, p -> p.successRate() * 100, SUCCESS);
        success.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        return paint(List.of(ttft, tps, success));
    }

    /**
     * Paints panels side by side, each {@link #PANEL_WIDTH} × {@link #PANEL_HEIGHT}, into one PNG. Painted into one
     * opaque byte-per-sample image: ImageIO's PNG writer takes its fast path for such rasters, where XChart's own
     * ARGB images and merge cost about twice the time.
     */
    static byte[] paint(List<XYChart> panels) {
        BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), PANEL_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create(i * PANEL_WIDTH, 0, PANEL_WIDTH, PANEL_HEIGHT);
                try {
                    panels.get(i).paint(panel, PANEL_WIDTH, PANEL_HEIGHT);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return encode(image);
    }

    /**
     * PNG at deflate level 1: ImageIO's default level (4) spends more time compressing than XChart spends drawing,
     * for files only about a tenth smaller.
     */
    private static byte[] encode(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no PNG writer in this JVM");
        }
        ImageWriter writer = writers.next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(48 * 1024)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f); // deflate level 9 - round(9 * quality) = 1
            param.setProgressiveMode(ImageWriteParam.MODE_DISABLED); // no Adam7 interlacing
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a chart", e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * A panel whose x axis is the window's runs, one step each, labelled with run date and id ("12-06 #41"), so two
     * runs of one day stay apart. Slanted labels while a few runs fit (a horizontal one at the right edge would be
     * cut off), else upright; XChart leaves out every second (third, ...) label when even upright ones would overlap.
     */
    private static XYChart panel(String title, String yTitle, RunAxis axis) {
        XYChart chart = styled(new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("run (date #id)").yAxisTitle(yTitle).build());
        chart.getStyler().setXAxisTitleVisible(false).setxAxisTickLabelsFormattingFunction(axis::label)
                .setXAxisLabelRotation(axis.size() <= SLANTED_LABELS ? 45 : 90)
                .setXAxisMin(0.0).setXAxisMax(Math.max(0, axis.size() - 1.0));
        return chart;
    }

    /** The house style of every report chart: white, light grid, small fonts, y from zero. */
    static XYChart styled(XYChart chart) {
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setPlotBorderVisible(false)
                .setLegendPosition(Styler.LegendPosition.InsideSW).setLegendBorderColor(new Color(0xd0d7de))
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13))
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11)).setMarkerSize(5).setAntiAlias(true);
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10))
                .setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11)).setPlotGridLinesVisible(true)
                .setYAxisDecimalPattern("#,##0.#");
        s.setYAxisMin(0.0); // from zero: a 2 % wobble must not look like a cliff
        return chart;
    }

    private static void series(XYChart chart, RunAxis axis, String name, List<TrendReport.TrendPoint> points,
                               Function<TrendReport.TrendPoint, Double> value, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (TrendReport.TrendPoint p : points) {
            Double v = value.apply(p);
            if (v != null && !v.isNaN()) {
                x.add(axis.x(p.runId()));
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return; // e.g. no TTFT without streaming: the panel stays empty rather than showing zeros
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
    }
}
