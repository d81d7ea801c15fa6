package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The plan's {@code telemetry:} section. */
class TelemetryPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String telemetry) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: p, text: "Hi"}]
                """ + telemetry);
    }

    @Test
    void onEveryFiveSecondsWithNvidiaSmiWhenNotGiven() throws IOException {
        assertThat(loader.load(plan("")).telemetry()).isEqualTo(TelemetrySpec.DEFAULT);
        assertThat(TelemetrySpec.DEFAULT.enabled()).isTrue();
        assertThat(TelemetrySpec.DEFAULT.interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsEnabledIntervalAndNvidiaSmi() throws IOException {
        TelemetrySpec t = loader.load(plan("telemetry: {enabled: true, interval: 2s, nvidia_smi: false}\n")).telemetry();

        assertThat(t).isEqualTo(new TelemetrySpec(true, Duration.ofSeconds(2), false));
        assertThat(loader.load(plan("telemetry: {enabled: false}\n")).telemetry().enabled()).isFalse();
    }

    @Test
    void reportsEachBadFieldWithItsLine() throws IOException {
        Path plan = plan("""
                telemetry:
                  enabled: 3
                  interval: 200ms
                  nvidia_smi: maybe
                """);

        List<String> problems = catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains(":5", "telemetry.enabled", "must be true or false");
        assertThat(problems.get(1)).contains(":6", "telemetry.interval", "must be from 1s to 1h");
        assertThat(problems.get(2)).contains(":7", "telemetry.nvidia_smi", "must be true or false");
        assertThat(catchThrowableOfType(PlanException.class, () -> loader.load(plan("telemetry: {interval: often}\n")))
                .problems()).singleElement().satisfies(p -> assertThat(p.toString()).contains("expected a duration"));
        assertThat(catchThrowableOfType(PlanException.class, () -> loader.load(plan("telemetry: {every: 5s}\n")))
                .problems()).singleElement().satisfies(p -> assertThat(p.toString()).contains("every"));
    }
}
