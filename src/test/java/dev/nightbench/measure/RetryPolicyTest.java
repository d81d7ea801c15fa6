package dev.nightbench.measure;

import dev.nightbench.client.FailureClass;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.defaults();

    @Test
    void aServerErrorIsRetriedUntilItsAttemptsAreSpent() {
        assertThat(policy.shouldRetry(FailureClass.HTTP_5XX, 1)).isTrue();
        assertThat(policy.shouldRetry(FailureClass.HTTP_5XX, 2)).isTrue();
        assertThat(policy.shouldRetry(FailureClass.HTTP_5XX, 3)).isFalse();
    }

    @Test
    void aModelTheServerDoesNotKnowIsNeverRetried() {
        assertThat(policy.shouldRetry(FailureClass.HTTP_4XX, 1)).isFalse();
    }

    @Test
    void backoffGrowsExponentiallyWithJitterWithinItsBounds() {
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.backoff(1, null, random).toMillis()).isBetween(250L, 500L);
            assertThat(policy.backoff(3, null, random).toMillis()).isBetween(1000L, 2000L);
        }
        assertThat(policy.backoff(30, null, random).toMillis()).isLessThanOrEqualTo(30_000L);
    }

    @Test
    void backoffIsNeverShorterThanTheServersRetryAfter() {
        assertThat(policy.backoff(1, Duration.ofSeconds(3), new Random(1))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void eachFailureClassWaitsWithItsOwnBackoffAndOthersWithTheDefault() {
        RetryPolicy policy = new RetryPolicy(java.util.Map.of(FailureClass.HTTP_429, 5), Duration.ofMillis(100),
                Duration.ofSeconds(1), java.util.Map.of(FailureClass.HTTP_429,
                new RetryPolicy.Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10))));
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.backoff(FailureClass.HTTP_429, 2, null, random).toMillis()).isBetween(2_000L, 4_000L);
            assertThat(policy.backoff(FailureClass.HTTP_5XX, 2, null, random).toMillis()).isBetween(100L, 200L);
            assertThat(policy.backoff(FailureClass.HTTP_429, 10, null, random).toMillis()).isBetween(5_000L, 10_000L);
        }
    }

    @Test
    void aPlanWithoutRetrySettingsKeepsTheBuiltInPolicy() {
        assertThat(RetryPolicy.from(dev.nightbench.plan.RetrySettings.NONE)).isEqualTo(RetryPolicy.defaults());
    }
}
