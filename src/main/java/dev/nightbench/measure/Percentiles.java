package dev.nightbench.measure;

/**
 * Linear-interpolated percentiles, the same definition as PostgreSQL {@code percentile_cont} and numpy's
 * default, so per-request figures computed here agree with the aggregates computed in SQL.
 */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * The {@code q}-quantile of ascending-sorted {@code sorted[0..n)}: position {@code h = (n − 1)·q}, then
     * linear interpolation between the two neighbouring values.
     *
     * @param q quantile in [0, 1]
     */
    static double ofSorted(long[] sorted, int n, double q) {
        if (n <= 0) {
            throw new IllegalArgumentException("no values");
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1]: " + q);
        }
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return sorted[lo] + (h - lo) * (double) (sorted[hi] - sorted[lo]);
    }

    /** As {@link #ofSorted(long[], int, double)}, for doubles. */
    static double ofSorted(double[] sorted, int n, double q) {
        if (n <= 0) {
            throw new IllegalArgumentException("no values");
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1]: " + q);
        }
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
