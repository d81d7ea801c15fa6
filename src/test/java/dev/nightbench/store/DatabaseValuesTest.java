package dev.nightbench.store;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.RequestStatus;
import dev.nightbench.measure.SkipReason;
import dev.nightbench.plan.CheckKind;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The status enums hold exactly the values the schema allows (the CHECK constraints of V2 and V4), each reads back
 * from its value, and an unknown value fails naming what was expected.
 */
class DatabaseValuesTest {

    @Test
    void requestStatusesAreTheValuesOfTheRequestsStatusCheck() {
        assertThat(Arrays.stream(RequestStatus.values()).map(RequestStatus::value)).containsExactlyInAnyOrder(
                "ok", "http_error", "timeout", "invalid_response", "truncated_stream", "connect_error", "cancelled",
                "skipped");
        for (RequestStatus s : RequestStatus.values()) {
            assertThat(RequestStatus.from(s.value())).isSameAs(s);
            assertThat(s.toString()).isEqualTo(s.value());
        }
        assertThat(Arrays.stream(RequestStatus.values()).filter(RequestStatus::isFailure))
                .doesNotContain(RequestStatus.OK, RequestStatus.SKIPPED).hasSize(6);
    }

    @Test
    void everyFailureClassMapsToAFailureStatusAndReadsBackFromItsCode() {
        for (FailureClass f : FailureClass.values()) {
            assertThat(f.status().isFailure()).as(f.code()).isTrue();
            assertThat(FailureClass.from(f.code())).isSameAs(f);
        }
        for (SkipReason r : SkipReason.values()) {
            assertThat(SkipReason.from(r.code())).isSameAs(r);
        }
        assertThat(SkipReason.MODEL_FAILED.code()).isEqualTo("skipped");
        assertThat(SkipReason.SWEEP_STOPPED.code()).isEqualTo("sweep_stopped");
    }

    @Test
    void checkKindsAreTheValuesOfTheRunChecksKindCheckAndReadBack() {
        assertThat(Arrays.stream(CheckKind.values()).map(CheckKind::value)).containsExactly("contains", "not_contains",
                "regex", "equals", "one_of", "numeric", "json", "max_chars", "max_words");
        for (CheckKind k : CheckKind.values()) {
            assertThat(CheckKind.from(k.value())).isSameAs(k);
        }
        assertThatThrownBy(() -> CheckKind.from("startswith")).hasMessageContaining("unknown check kind 'startswith'");
    }

    @Test
    void modelAvailabilityAndLoadPhaseStatusAreTheValuesOfTheirChecks() {
        assertThat(Arrays.stream(ModelAvailability.values()).map(ModelAvailability::value))
                .containsExactlyInAnyOrder("unknown", "available", "unavailable", "failed");
        assertThat(Arrays.stream(ModelAvailability.values()).filter(ModelAvailability::isFailure))
                .containsExactlyInAnyOrder(ModelAvailability.UNAVAILABLE, ModelAvailability.FAILED);
        assertThat(Arrays.stream(LoadPhaseStatus.values()).map(LoadPhaseStatus::value))
                .containsExactlyInAnyOrder("ran", "skipped");
        assertThat(ModelAvailability.from("unavailable")).isSameAs(ModelAvailability.UNAVAILABLE);
        assertThat(LoadPhaseStatus.from("ran")).isSameAs(LoadPhaseStatus.RAN);
    }

    @Test
    void everyBatchStatusOfAJobMapsToARunStatus() {
        for (BatchStatus b : BatchStatus.values()) {
            assertThat(RunStatus.from(b.name()).value()).isEqualTo(b.name());
        }
    }

    @Test
    void anUnknownValueFailsNamingTheValuesExpectedAndSqlNullStaysNull() {
        assertThatThrownBy(() -> RequestStatus.from("oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'oops'").hasMessageContaining("http_error");
        assertThatThrownBy(() -> ModelAvailability.from("gone")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run_models.availability").hasMessageContaining("unavailable");
        assertThatThrownBy(() -> FailureClass.from("http_999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http_5xx");
        assertThat(RunStatus.from(null)).isNull();
        assertThat(LoadPhaseStatus.from(null)).isNull();
    }
}
