package dev.nightbench.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JudgeBreakerTest {

    @Test
    void opensAfterTheLimitOfFailuresInARowAndAnythingTheJudgeSaysResetsTheCount() {
        JudgeBreaker breaker = new JudgeBreaker(3);
        breaker.record(true);
        breaker.record(true);
        breaker.record(false);   // an answer (even an unparseable one) from the judge
        breaker.record(true);
        breaker.record(true);
        assertThat(breaker.open()).isFalse();
        breaker.record(true);
        assertThat(breaker.open()).isTrue();
        assertThatThrownBy(() -> new JudgeBreaker(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
