package dev.nightbench.report;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The Benjamini–Hochberg step-up procedure, which controls the false discovery rate (the expected share of false
 * alarms among the comparisons flagged) across a family of tests. A big plan compares thousands of model × prompt
 * pairs a night; tested each at alpha, about alpha / 2 of the unchanged ones would look worse by chance alone and
 * a {@code --fail-on-regression} pipeline would fail most nights.
 *
 * <p>Adjusted p-values as R's {@code p.adjust(p, "BH")} and statsmodels' {@code multipletests(method="fdr_bh")}
 * compute them: with the m p-values sorted ascending, {@code p_adj(i) = min over j >= i of min(1, p(j) · m / j)}. A
 * test is significant at FDR level alpha when its adjusted p-value is below alpha.
 */
final class BenjaminiHochberg {

    static final String NAME = "Benjamini–Hochberg (false discovery rate)";

    private BenjaminiHochberg() {
    }

    /**
     * The adjusted p-values, in the order given; a null p-value (an untested comparison) stays null and does not
     * count in the family's size.
     */
    static Double[] adjust(Double[] pValues) {
        Integer[] order = java.util.stream.IntStream.range(0, pValues.length).filter(i -> pValues[i] != null)
                .boxed().toArray(Integer[]::new);
        for (Integer i : order) {
            if (pValues[i].isNaN() || pValues[i] < 0 || pValues[i] > 1) {
                throw new IllegalArgumentException("p-value " + pValues[i] + " outside [0, 1]");
            }
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        int m = order.length;
        Double[] adjusted = new Double[pValues.length];
        double running = 1;
        for (int rank = m; rank >= 1; rank--) {
            int i = order[rank - 1];
            running = Math.min(running, pValues[i] * m / rank);
            adjusted[i] = running;
        }
        return adjusted;
    }
}
