package dev.nightbench.client.openai;

import com.openai.core.http.Headers;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-01-01T02:00:00Z");
    private final RetryAfter retryAfter = new RetryAfter(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void retryAfterParsingAcceptsSecondsAndDatesAndIgnoresGarbage() {
        Instant now = Instant.parse("2025-01-01T02:00:00Z");
        assertThat(RetryAfter.parse("3", now)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("0.5", now)).isEqualTo(Duration.ofMillis(500));
        assertThat(RetryAfter.parse("Wed, 01 Jan 2025 01:59:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }

    @Test
    void anHttpDateInTheFutureIsTheTimeUntilIt() {
        assertThat(RetryAfter.parse("Wed, 01 Jan 2025 02:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void blankNegativeAndNonFiniteSecondsAreNoneOrZero() {
        assertThat(RetryAfter.parse("  ", NOW)).isNull();
        assertThat(RetryAfter.parse("-4", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("NaN", NOW)).isNull();
        assertThat(RetryAfter.parse("Infinity", NOW)).isNull();
        assertThat(RetryAfter.parse(" 2 ", NOW)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterMsWinsOverRetryAfterAndMayBeFractional() {
        Headers headers = Headers.builder().put("Retry-After", "9").put("retry-after-ms", "1500.5").build();

        assertThat(retryAfter.of(headers)).isEqualTo(Duration.ofNanos(1_500_500_000));
    }

    @Test
    void anUnparsableRetryAfterMsFallsBackToRetryAfter() {
        Headers headers = Headers.builder().put("retry-after-ms", "later").put("RETRY-AFTER", "7").build();

        assertThat(retryAfter.of(headers)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void headerNamesAreMatchedWithoutRegardToCase() {
        assertThat(retryAfter.of(Headers.builder().put("Retry-After", "Wed, 01 Jan 2025 02:01:00 GMT").build()))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void withoutEitherHeaderThereIsNoRetryAfter() {
        assertThat(retryAfter.of(Headers.builder().put("Content-Type", "application/json").build())).isNull();
    }
}
