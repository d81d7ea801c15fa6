package dev.nightbench.plan;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DurationsTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "500ms, PT0.5S",
            "10s, PT10S",
            "5m, PT5M",
            "2h, PT2H",
            "1m30s, PT1M30S",
            "PT45S, PT45S",
            "pt1m, PT1M",
            "' 10s ', PT10S"
    })
    void short_and_iso_durations_are_understood(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(strings = {"10", "10 s", "5 minutes", "1.5s", "s", "-5s", "PT", "P1X", "10s5", ""})
    void anything_else_is_rejected_with_the_expected_forms(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessageContaining("expected a duration like 500ms, 10s, 5m");
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(strings = {"0s", "0ms", "PT0S", "PT-5S"})
    void a_duration_must_be_longer_than_zero(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessageContaining("must be longer than zero");
    }
}
