package dev.nightbench.report;

import java.util.Arrays;
import java.util.List;

/**
 * How well the judge's scores agree with people's on the same answers and criterion: quadratic-weighted Cohen's
 * kappa on the 1-5 scale and Spearman's rank correlation, over (judge score, human score) pairs of the
 * {@code score_agreement} view (one pair per answer and rater).
 *
 * <p>Why these two: the scores are ordinal, so a judge that says 4 where a person says 5 is nearly right and one that
 * says 1 is badly wrong. Quadratic weights make kappa charge a disagreement by its squared distance (and correct for
 * the agreement two raters would reach by chance from their own score distributions); Spearman says whether the judge
 * ranks answers the way people do even when it is uniformly harsher or kinder, which kappa counts against it.
 * Plain Java, no I/O: the formulas are the textbook ones, tested against hand-computed values.
 */
public final class ScoreAgreement {

    /** The score scale: whole numbers 1..{@value}. */
    public static final int LEVELS = 5;

    private ScoreAgreement() {
    }

    /**
     * The agreement of one criterion's pairs.
     *
     * @param n          number of pairs
     * @param judgeMean  mean judge score over the pairs, null for none
     * @param humanMean  mean human score over the pairs, null for none
     * @param kappa      quadratic-weighted kappa, null when undefined (no pairs, or both sides gave one and the same
     *                   score throughout, so chance agreement is already perfect)
     * @param spearman   Spearman's rho, null when undefined (fewer than 2 pairs, or one side gave a single score)
     */
    public record Result(int n, Double judgeMean, Double humanMean, Double kappa, Double spearman) {
    }

    /** Agreement over {@code pairs}, each {@code {judge, human}} with both scores in 1..{@link #LEVELS}. */
    public static Result of(List<int[]> pairs) {
        int n = pairs.size();
        if (n == 0) {
            return new Result(0, null, null, null, null);
        }
        int[] judge = new int[n];
        int[] human = new int[n];
        for (int i = 0; i < n; i++) {
            int[] p = pairs.get(i);
            judge[i] = check(p[0]);
            human[i] = check(p[1]);
        }
        return new Result(n, mean(judge), mean(human), weightedKappa(judge, human), spearman(toDouble(judge),
                toDouble(human)));
    }

    /**
     * Cohen's kappa with quadratic weights: 1 - sum(w * observed) / sum(w * expected), where
     * w(i, j) = (i - j)^2 / (k - 1)^2, observed is the joint distribution of the pairs and expected the product of
     * the two raters' own distributions. 1 is perfect agreement, 0 what chance gives, below 0 worse than chance.
     *
     * @return kappa, or null when the expected disagreement is 0 (both sides used one and the same score only)
     */
    static Double weightedKappa(int[] a, int[] b) {
        int n = a.length;
        if (n == 0 || n != b.length) {
            return null;
        }
        double[][] observed = new double[LEVELS][LEVELS];
        double[] rowTotals = new double[LEVELS];
        double[] colTotals = new double[LEVELS];
        for (int i = 0; i < n; i++) {
            observed[a[i] - 1][b[i] - 1] += 1.0 / n;
            rowTotals[a[i] - 1] += 1.0 / n;
            colTotals[b[i] - 1] += 1.0 / n;
        }
        double observedDisagreement = 0;
        double expectedDisagreement = 0;
        double scale = (LEVELS - 1) * (LEVELS - 1);
        for (int i = 0; i < LEVELS; i++) {
            for (int j = 0; j < LEVELS; j++) {
                double w = (i - j) * (i - j) / scale;
                observedDisagreement += w * observed[i][j];
                expectedDisagreement += w * rowTotals[i] * colTotals[j];
            }
        }
        if (expectedDisagreement == 0) {
            return null;
        }
        return 1 - observedDisagreement / expectedDisagreement;
    }

    /**
     * Spearman's rho as the Pearson correlation of the ranks, ties given their average rank (so the formula
     * 1 - 6 sum d^2 / (n (n^2 - 1)), which assumes no ties, is not used: 1-5 scores tie all the time).
     *
     * @return rho, or null for fewer than 2 pairs or when either side is constant
     */
    static Double spearman(double[] x, double[] y) {
        if (x.length < 2 || x.length != y.length) {
            return null;
        }
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks, tied values sharing the mean of the ranks they span. */
    static double[] ranks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // positions i..j are ranks i+1..j+1
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static Double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0 || syy == 0) {
            return null;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static int check(int score) {
        if (score < 1 || score > LEVELS) {
            throw new IllegalArgumentException("score outside 1.." + LEVELS + ": " + score);
        }
        return score;
    }

    private static double mean(int[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double[] toDouble(int[] values) {
        return Arrays.stream(values).asDoubleStream().toArray();
    }
}
