package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PoissonArrivalsTest {

    @Test
    void gapsHaveTheConfiguredMeanRateAndTheCoefficientOfVariationOfAnExponential() {
        double rate = 8;
        long[] offsets = PoissonArrivals.offsets(rate, 2_001, null, PoissonArrivals.seedFor(42L, rate));

        double[] gaps = new double[2_000];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = (offsets[i + 1] - offsets[i]) / 1e9;
        }
        double mean = Arrays.stream(gaps).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / (gaps.length - 1));

        assertThat(offsets[0]).isZero();
        assertThat(mean).isCloseTo(1 / rate, within(0.1 / rate));
        assertThat(sd / mean).isCloseTo(1.0, within(0.1));
        assertThat(Arrays.stream(gaps).allMatch(g -> g >= 0)).isTrue();
    }

    @Test
    void aScheduleBoundedByTimeHoldsAboutRateTimesDurationArrivalsAllBeforeItsEnd() {
        long[] offsets = PoissonArrivals.offsets(50, 0, Duration.ofSeconds(40), 7);

        assertThat(offsets.length).isBetween(1_800, 2_200);
        assertThat(offsets[offsets.length - 1]).isLessThan(Duration.ofSeconds(40).toNanos());
        assertThat(offsets).isSorted();
    }

    @Test
    void theScheduleDependsOnlyOnTheSeedAndTheRate() {
        long seed = PoissonArrivals.seedFor(42L, 2);

        assertThat(PoissonArrivals.offsets(2, 100, null, seed)).isEqualTo(PoissonArrivals.offsets(2, 100, null, seed));
        assertThat(PoissonArrivals.seedFor(42L, 2)).isNotEqualTo(PoissonArrivals.seedFor(42L, 8))
                .isNotEqualTo(PoissonArrivals.seedFor(43L, 2));
        assertThat(PoissonArrivals.seedFor(null, 2)).isEqualTo(PoissonArrivals.seedFor(42L, 2));
    }
}
