package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Weighted kappa and Spearman's rho against values computed by hand. */
class ScoreAgreementTest {

    private static List<int[]> pairs(int[][] p) {
        return List.of(p);
    }

    @Test
    void perfectAgreementIsOneOnBoth() {
        ScoreAgreement.Result r = ScoreAgreement.of(pairs(new int[][] {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {3, 3}}));

        assertThat(r.n()).isEqualTo(6);
        assertThat(r.kappa()).isCloseTo(1.0, within(1e-12));
        assertThat(r.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(r.judgeMean()).isCloseTo(3.0, within(1e-12));
        assertThat(r.humanMean()).isCloseTo(3.0, within(1e-12));
    }

    @Test
    void oppositeExtremesAreMinusOne() {
        // observed: half at (1,5), half at (5,1), weight 1 each: 1; expected: a quarter in each corner: 0.5
        ScoreAgreement.Result r = ScoreAgreement.of(pairs(new int[][] {{1, 5}, {5, 1}, {1, 5}, {5, 1}}));

        assertThat(r.kappa()).isCloseTo(-1.0, within(1e-12));
        assertThat(r.spearman()).isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void aWorkedExampleWithTiesAndNearMisses() {
        // judge 1 2 3 4 5 2, human 1 2 4 4 3 3 (n = 6).
        // Observed disagreement: (3,4) and (2,3) weigh 1/16, (5,3) weighs 4/16: (1 + 1 + 4) / 16 / 6 = 1/16.
        // Marginals: judge 1/6 at 1, 3, 4, 5 and 2/6 at 2; human 1/6 at 1 and 2, 2/6 at 3 and 4.
        // Expected disagreement sum_ij (i-j)^2/16 p_i q_j = E[(J-H)^2]/16 for independent J, H
        // = (var J + var H + (mean J - mean H)^2) / 16 = (65/36 + 41/36 + 0) / 16 = 53/288,
        // so kappa = 1 - (1/16) / (53/288) = 35/53.
        ScoreAgreement.Result r = ScoreAgreement.of(pairs(new int[][] {{1, 1}, {2, 2}, {3, 4}, {4, 4}, {5, 3}, {2, 3}}));

        assertThat(r.kappa()).isCloseTo(35.0 / 53.0, within(1e-12));
        // ranks, ties averaged: judge 1, 2.5, 4, 5, 6, 2.5; human 1, 2, 5.5, 5.5, 3.5, 3.5;
        // sum of cross products 11.75, sums of squares 17 and 16.5
        assertThat(r.spearman()).isCloseTo(11.75 / Math.sqrt(17 * 16.5), within(1e-12));
        assertThat(r.judgeMean()).isCloseTo(17.0 / 6, within(1e-12));
        assertThat(r.humanMean()).isCloseTo(17.0 / 6, within(1e-12));
    }

    @Test
    void spearmanMatchesTheTextbookExampleWithoutTies() {
        // IQ against hours of TV per week, the standard worked example: sum d^2 = 194, rho = 1 - 6*194/(10*99) = -29/165
        double[] iq = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110};
        double[] tv = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};

        assertThat(ScoreAgreement.spearman(iq, tv)).isCloseTo(-29.0 / 165, within(1e-12));
    }

    @Test
    void aHarsherJudgeThatRanksLikePeopleKeepsSpearmanButLosesKappa() {
        ScoreAgreement.Result r = ScoreAgreement.of(pairs(new int[][] {{1, 3}, {2, 4}, {3, 5}, {1, 3}, {2, 4}}));

        assertThat(r.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(r.kappa()).isLessThan(0.5);
    }

    @Test
    void undefinedFiguresAreNullNotNaN() {
        assertThat(ScoreAgreement.of(List.of())).isEqualTo(new ScoreAgreement.Result(0, null, null, null, null));
        // everyone gave 4: chance agreement is already perfect, and ranks do not vary
        ScoreAgreement.Result same = ScoreAgreement.of(pairs(new int[][] {{4, 4}, {4, 4}, {4, 4}}));
        assertThat(same.kappa()).isNull();
        assertThat(same.spearman()).isNull();
        assertThat(same.judgeMean()).isEqualTo(4.0);
        // one pair: kappa is defined (0 expected disagreement aside), rho is not
        assertThat(ScoreAgreement.of(pairs(new int[][] {{2, 3}})).spearman()).isNull();
    }

    @Test
    void scoresOutsideTheScaleAreRefused() {
        assertThatThrownBy(() -> ScoreAgreement.of(pairs(new int[][] {{0, 3}})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> ScoreAgreement.of(pairs(new int[][] {{3, 6}})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
    }
}
