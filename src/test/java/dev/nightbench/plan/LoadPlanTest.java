package dev.nightbench.plan;

import dev.nightbench.client.FailureClass;
import dev.nightbench.measure.RetryPolicy;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan's {@code load:}, {@code slo:} and {@code retry:} sections, as parsed. Malformed ones: MalformedPlanTest. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LoadPlanTest {

    private static final String BASE = """
            endpoints: [{name: sim, type: simulated}]
            prompts: [{id: q1, text: Hi}, {id: q2, text: Ho}]
            """;

    @TempDir
    Path dir;

    private Plan load(String yaml) throws IOException {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, BASE + yaml);
        return PlanLoader.withEnvironment(Map.of()).load(file);
    }

    @Test
    void a_plan_without_the_new_sections_has_no_load_no_slo_and_the_default_retries() throws IOException {
        Plan plan = load("models: [{alias: m1}]\n");

        assertThat(plan.load()).isEqualTo(LoadSpec.NONE);
        assertThat(plan.model("m1").orElseThrow().load().isEmpty()).isTrue();
        assertThat(plan.slo()).isEqualTo(Slo.NONE);
        assertThat(RetryPolicy.from(plan.retry())).isEqualTo(RetryPolicy.defaults());
    }

    @Test
    void the_load_section_gives_every_model_its_levels_and_bound() throws IOException {
        Plan plan = load("""
                models: [{alias: m1}, {alias: m2}]
                load:
                  concurrency: [1, 4, 16, 64]
                  rates: [2, 8.5]
                  requests: 64
                """);

        LoadSpec expected = new LoadSpec(List.of(1, 4, 16, 64), List.of(2.0, 8.5), 64, null, null);
        assertThat(plan.load()).isEqualTo(expected);
        assertThat(plan.models()).extracting(ModelSpec::load).containsExactly(expected, expected);
    }

    @Test
    void a_model_s_own_keys_replace_the_plan_s_and_requests_and_duration_are_one_setting() throws IOException {
        Plan plan = load("""
                models:
                  - alias: m1
                    load: {concurrency: [2], duration: 10s}
                  - alias: m2
                    load: {rates: []}
                  - alias: m3
                    load: null
                  - alias: m4
                load:
                  concurrency: [1, 4]
                  rates: [2]
                  requests: 40
                """);

        assertThat(plan.model("m1").orElseThrow().load())
                .isEqualTo(new LoadSpec(List.of(2), List.of(2.0), null, Duration.ofSeconds(10), null));
        assertThat(plan.model("m2").orElseThrow().load())
                .isEqualTo(new LoadSpec(List.of(1, 4), List.of(), 40, null, null));
        assertThat(plan.model("m3").orElseThrow().load().isEmpty()).isTrue();
        assertThat(plan.model("m4").orElseThrow().load()).isEqualTo(plan.load());
    }

    @Test
    void a_sweep_takes_its_bound_from_the_section_around_it_and_plans_its_levels_up_to_max() throws IOException {
        Plan plan = load("""
                models: [{alias: m1}, {alias: m2, load: {sweep: {mode: rate, start: 0.5, max: 6, requests: 10}}}]
                load:
                  duration: 30s
                  sweep: {mode: concurrency, start: 1, factor: 2, max: 48}
                """);

        LoadSpec.Sweep concurrency = plan.model("m1").orElseThrow().load().sweep();
        assertThat(concurrency).isEqualTo(new LoadSpec.Sweep("concurrency", 1, 2, 48, null, Duration.ofSeconds(30)));
        assertThat(concurrency.levels()).containsExactly(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 48.0);
        LoadSpec.Sweep rate = plan.model("m2").orElseThrow().load().sweep();
        assertThat(rate.requests()).isEqualTo(10);
        assertThat(rate.duration()).isNull();
        assertThat(rate.levels()).containsExactly(0.5, 1.0, 2.0, 4.0, 6.0);
    }

    @Test
    void concurrency_sweep_levels_are_whole_and_distinct() {
        LoadSpec.Sweep slow = new LoadSpec.Sweep("concurrency", 1, 1.5, 10, 5, null);

        assertThat(slow.levels()).containsExactly(1.0, 2.0, 3.0, 5.0, 8.0, 10.0);
    }

    @Test
    void the_slo_section_with_the_default_percentile() throws IOException {
        Plan plan = load("""
                models: [{alias: m1}]
                slo: {ttft_ms: 500, tpot_ms: 50, e2e_ms: 5000, max_error_rate: 0.05}
                """);

        assertThat(plan.slo()).isEqualTo(new Slo(500.0, 50.0, 5000.0, 0.05, 95));
        assertThat(plan.slo().hasLatencyLimits()).isTrue();
    }

    @Test
    void an_slo_of_an_error_rate_only_has_no_latency_limits() throws IOException {
        Plan plan = load("models: [{alias: m1}]\nslo: {max_error_rate: 0, percentile: 99}\n");

        assertThat(plan.slo()).isEqualTo(new Slo(null, null, null, 0.0, 99));
        assertThat(plan.slo().hasLatencyLimits()).isFalse();
    }

    @Test
    void retry_rules_map_onto_the_retry_policy_per_failure_class() throws IOException {
        Plan plan = load("""
                models: [{alias: m1}]
                retry:
                  default: {attempts: 3, backoff: 200ms, max_backoff: 10s}
                  http_429: {attempts: 5, backoff: 2s}
                  timeout: {attempts: 1}
                  truncated_stream: {backoff: 0s}
                """);

        RetryPolicy policy = RetryPolicy.from(plan.retry());

        assertThat(policy.maxAttempts()).containsEntry(FailureClass.HTTP_429, 5)
                .containsEntry(FailureClass.HTTP_5XX, 3)
                .containsEntry(FailureClass.CONNECT_ERROR, 3)
                .containsEntry(FailureClass.INVALID_RESPONSE, 3)
                .containsEntry(FailureClass.TIMEOUT_FIRST_TOKEN, 1)
                .containsEntry(FailureClass.TIMEOUT_TOTAL, 1)
                .containsEntry(FailureClass.HTTP_4XX, 1)
                .containsEntry(FailureClass.CANCELLED, 1);
        assertThat(policy.backoffs().get(FailureClass.HTTP_429))
                .isEqualTo(new RetryPolicy.Backoff(Duration.ofSeconds(2), Duration.ofSeconds(10)));
        assertThat(policy.backoffs().get(FailureClass.HTTP_5XX))
                .isEqualTo(new RetryPolicy.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)));
        assertThat(policy.backoffs().get(FailureClass.TRUNCATED_STREAM))
                .isEqualTo(new RetryPolicy.Backoff(Duration.ZERO, Duration.ofSeconds(10)));
    }

    @Test
    void a_retry_section_for_one_class_keeps_the_built_in_values_of_the_others() throws IOException {
        Plan plan = load("models: [{alias: m1}]\nretry: {http_5xx: {attempts: 6}}\n");

        RetryPolicy policy = RetryPolicy.from(plan.retry());
        RetryPolicy defaults = RetryPolicy.defaults();

        assertThat(policy.maxAttempts().get(FailureClass.HTTP_5XX)).isEqualTo(6);
        for (FailureClass c : FailureClass.values()) {
            if (c != FailureClass.HTTP_5XX) {
                assertThat(policy.maxAttempts().get(c)).as(c.code()).isEqualTo(defaults.maxAttempts().get(c));
            }
        }
        assertThat(policy.backoffs().get(FailureClass.HTTP_5XX))
                .isEqualTo(new RetryPolicy.Backoff(defaults.initialBackoff(), defaults.maxBackoff()));
    }

    @Test
    void the_shipped_load_demo_is_a_valid_plan_with_load_slo_and_retry() {
        Plan plan = PlanLoader.withEnvironment(Map.of()).load(Path.of("jobs/demo-load.yaml"));

        assertThat(plan.simulated()).isTrue();
        assertThat(plan.models()).anySatisfy(m -> assertThat(m.load().sweep()).isNotNull());
        assertThat(plan.slo().hasLatencyLimits()).isTrue();
    }
}
