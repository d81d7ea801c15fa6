package dev.nightbench.report;

/**
 * Fisher's exact test, two-sided, for two success proportions (ok requests out of all requests). Chosen over
 * the two-proportion z-test because nightly per-prompt counts are small (5 rounds) and success rates sit near
 * 100 %, where the z-test's normal approximation is poor. Two-sided as R's {@code fisher.test} and SciPy's
 * {@code fisher_exact}: the sum of the probabilities of every table with the same margins that is no more
 * likely than the observed one.
 */
final class FisherExact {

    static final String NAME = "Fisher's exact (two-sided)";

    private FisherExact() {
    }

    /** p-value for {@code okA} of {@code nA} against {@code okB} of {@code nB}. */
    static double twoSided(int okA, int nA, int okB, int nB) {
        if (okA < 0 || okB < 0 || okA > nA || okB > nB) {
            throw new IllegalArgumentException("successes must lie between 0 and the number of trials");
        }
        int total = nA + nB;
        int successes = okA + okB;
        if (total == 0) {
            return 1;
        }
        double[] logFactorial = logFactorials(total);
        int low = Math.max(0, nA - (total - successes));
        int high = Math.min(nA, successes);
        double observed = logHypergeometric(okA, nA, successes, total, logFactorial);
        double p = 0;
        for (int k = low; k <= high; k++) {
            double logP = logHypergeometric(k, nA, successes, total, logFactorial);
            if (logP <= observed + 1e-7) { // relative tolerance, as R uses, for tables equally likely in theory
                p += Math.exp(logP);
            }
        }
        return Math.min(1, p);
    }

    private static volatile double[] cache = new double[]{0, 0};

    /** log(k!) for k = 0..n, from a table grown on demand and shared (thousands of tests per report). */
    private static double[] logFactorials(int n) {
        double[] table = cache;
        if (table.length > n) {
            return table;
        }
        synchronized (FisherExact.class) {
            table = cache;
            if (table.length <= n) {
                double[] grown = java.util.Arrays.copyOf(table, Math.max(n + 1, table.length * 2));
                for (int k = table.length; k < grown.length; k++) {
                    grown[k] = grown[k - 1] + Math.log(k);
                }
                cache = grown;
                table = grown;
            }
            return table;
        }
    }

    /** log P(X = k) where X counts the successes among {@code draws} of {@code total} with {@code successes} in all. */
    private static double logHypergeometric(int k, int draws, int successes, int total, double[] lf) {
        return lf[successes] - lf[k] - lf[successes - k]
                + lf[total - successes] - lf[draws - k] - lf[total - successes - draws + k]
                - (lf[total] - lf[draws] - lf[total - draws]);
    }
}
