package dev.nightbench.client.openai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The class warm-up runs the SDK's whole request path over in-memory sockets. In production a failed warm-up is
 * only logged at debug (it is an optimisation), so this test is where an SDK upgrade that breaks it shows: the
 * failure names the step and the SDK version.
 */
class ClassWarmupTest {

    @Test
    void theWarmUpRunsEveryStepOnThisSdkWithoutError() {
        assertThatCode(ClassWarmup::exercise)
                .as("the class warm-up on openai-java %s", ClassWarmup.sdkVersion())
                .doesNotThrowAnyException();
    }

    @Test
    void theSdkVersionIsKnownForTheFailureMessage() {
        assertThat(ClassWarmup.sdkVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
