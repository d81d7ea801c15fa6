package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reference values from SciPy 1.17: {@code mannwhitneyu(x, y, method="asymptotic")} and {@code fisher_exact}. */
class StatisticalTestsTest {

    @Test
    void mannWhitneyMatchesScipyOnFullySeparatedSamples() {
        var r = MannWhitneyU.test(new double[]{1, 2, 3, 4, 5}, new double[]{6, 7, 8, 9, 10});

        assertThat(r.u()).isEqualTo(0);
        assertThat(r.p()).isCloseTo(0.012185780355344813, within(1e-7));
    }

    @Test
    void mannWhitneyCorrectsForTiesAsScipyDoes() {
        var r = MannWhitneyU.test(new double[]{10, 12, 12, 13, 15, 15, 15, 18}, new double[]{14, 15, 16, 16, 19, 20, 21});

        assertThat(r.u()).isEqualTo(8.5);
        assertThat(r.p()).isCloseTo(0.026231510912731505, within(1e-7));
    }

    @Test
    void mannWhitneyGivesPOneWhenEveryValueIsEqual() {
        assertThat(MannWhitneyU.test(new double[]{100, 100, 100}, new double[]{100, 100, 100}).p()).isEqualTo(1);
    }

    @Test
    void mannWhitneyIsSymmetricInItsSamples() {
        double[] a = {3.1, 4.7, 5.0, 2.2, 8.9};
        double[] b = {6.3, 7.7, 5.5, 9.1};

        assertThat(MannWhitneyU.test(a, b).p()).isCloseTo(MannWhitneyU.test(b, a).p(), within(1e-12));
    }

    @Test
    void fisherMatchesScipyOnSmallAndLargeTables() {
        assertThat(FisherExact.twoSided(5, 5, 2, 5)).isCloseTo(0.16666666666666666, within(1e-9));
        assertThat(FisherExact.twoSided(95, 100, 80, 100)).isCloseTo(0.002197232551984906, within(1e-9));
        assertThat(FisherExact.twoSided(250, 250, 240, 250)).isCloseTo(0.0017819030266717913, within(1e-9));
    }

    @Test
    void fisherGivesPOneForIdenticalProportions() {
        assertThat(FisherExact.twoSided(5, 5, 5, 5)).isCloseTo(1, within(1e-12));
        assertThat(FisherExact.twoSided(0, 5, 0, 5)).isCloseTo(1, within(1e-12));
    }

    @Test
    void erfcKeepsRelativeAccuracyInTheTail() {
        assertThat(Normal.erfc(0)).isCloseTo(1, within(1e-7));
        assertThat(Normal.erfc(3) / 2.209049699858544e-05).isCloseTo(1, within(1e-6));
        assertThat(Normal.erfc(-1)).isCloseTo(1.8427007929497148, within(1e-7));
    }
}
