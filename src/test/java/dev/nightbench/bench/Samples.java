package dev.nightbench.bench;

import java.util.Arrays;
import java.util.List;

/**
 * A growable list of doubles with the percentile definition METRICS.md uses everywhere (linear interpolation,
 * PostgreSQL {@code percentile_cont}, numpy's default), so benchmark figures read the same way as the job's.
 */
final class Samples {

    private double[] values = new double[64];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** The {@code q}-quantile (0..1) of the values, NaN when there are none. */
    double quantile(double q) {
        return quantile(Arrays.copyOf(values, size), q);
    }

    /** The {@code q}-quantile of the absolute values: "p99 of the error" whichever its sign. */
    double absQuantile(double q) {
        double[] abs = new double[size];
        for (int i = 0; i < size; i++) {
            abs[i] = Math.abs(values[i]);
        }
        return quantile(abs, q);
    }

    double min() {
        return quantile(0);
    }

    double max() {
        return quantile(1);
    }

    double mean() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    static double quantile(double[] unsorted, double q) {
        if (unsorted.length == 0) {
            return Double.NaN;
        }
        double[] sorted = unsorted.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The median of a few repeated figures (NaNs ignored). */
    static double median(List<Double> figures) {
        return quantile(figures.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).toArray(), 0.5);
    }
}
