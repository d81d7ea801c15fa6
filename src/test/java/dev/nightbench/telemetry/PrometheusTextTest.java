package dev.nightbench.telemetry;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict Prometheus text parser on real captured pages and on what must be refused. */
class PrometheusTextTest {

    @Test
    void readsARealLlamaServerPage() throws Exception {
        PrometheusText.Exposition page = PrometheusText.parse(Fixtures.text("llama-server/metrics-busy.txt"));

        assertThat(page.series()).hasSize(15);
        assertThat(page.first("llamacpp:requests_processing")).contains(1.0);
        assertThat(page.first("llamacpp:prompt_seconds_total")).contains(0.023737);
        assertThat(page.first("llamacpp:predicted_tokens_seconds")).contains(148.676);
        assertThat(page.types()).containsEntry("llamacpp:tokens_predicted_total", "counter")
                .containsEntry("llamacpp:requests_deferred", "gauge");
        assertThat(page.hasPrefix("llamacpp:")).isTrue();
    }

    @Test
    void readsVllmLabelsHistogramsAndInfoGauges() throws Exception {
        PrometheusText.Exposition page = PrometheusText.parse(Fixtures.text("vllm/metrics.txt"));

        assertThat(page.named("vllm:num_requests_running")).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(Map.of("engine", "0", "model_name", "unsloth/Llama-3.2-1B-Instruct"));
            assertThat(s.value()).isEqualTo(2.0);
        });
        assertThat(page.named("vllm:iteration_tokens_total_bucket")).last()
                .satisfies(s -> assertThat(s.labels()).containsEntry("le", "+Inf"));
        assertThat(page.named("vllm:cache_config_info")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("num_gpu_blocks", "8192"));
        assertThat(page.types()).containsEntry("vllm:iteration_tokens_total", "histogram");
    }

    @Test
    void readsARealVllmPageWhole() throws Exception {
        String text = Fixtures.text("vllm/nvidia-25.09-metrics.txt");
        PrometheusText.Exposition page = PrometheusText.parse(text);

        assertThat(page.series()).hasSize((int) text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count());
        // prometheus_client writes a counter's or histogram's creation time as a separate *_created gauge family
        assertThat(page.types()).containsEntry("vllm:time_to_first_token_seconds", "histogram")
                .containsEntry("vllm:time_to_first_token_seconds_created", "gauge");
        assertThat(page.named("vllm:time_to_first_token_seconds_bucket")).last().satisfies(s -> {
            assertThat(s.labels()).containsEntry("le", "+Inf").containsEntry("engine", "0");
            assertThat(s.value()).isEqualTo(page.first("vllm:time_to_first_token_seconds_count").orElseThrow());
        });
        assertThat(page.named("vllm:cache_config_info")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("num_gpu_blocks", "850"));
        assertThat(page.first("process_virtual_memory_bytes")).contains(1.372014592e10);
    }

    @Test
    void escapesSpecialValuesTimestampsAndATrailingComma() throws Exception {
        PrometheusText.Exposition page = PrometheusText.parse("""
                a{path="C:\\\\dir",quote="say \\"hi\\"",nl="x\\ny",} NaN
                b +Inf 1712345678000
                c -Inf
                d 1.5e3\r
                """);

        assertThat(page.named("a").getFirst().labels()).containsEntry("path", "C:\\dir")
                .containsEntry("quote", "say \"hi\"").containsEntry("nl", "x\ny");
        assertThat(page.first("a").orElseThrow()).isNaN();
        assertThat(page.first("b")).contains(Double.POSITIVE_INFINITY);
        assertThat(page.first("c")).contains(Double.NEGATIVE_INFINITY);
        assertThat(page.first("d")).contains(1500.0);
    }

    @Test
    void refusesWhatIsNotPrometheusText() {
        assertThatThrownBy(() -> PrometheusText.parse(Fixtures.text("llama-server/not-found.json")))
                .isInstanceOf(PrometheusText.ParseException.class).hasMessageStartingWith("line 1: ");
        assertThatThrownBy(() -> PrometheusText.parse("<html><body>502 Bad Gateway</body></html>"))
                .isInstanceOf(PrometheusText.ParseException.class);
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nm{a=\"unterminated} 1"))
                .hasMessage("line 2: unterminated label value of 'a'");
        assertThatThrownBy(() -> PrometheusText.parse("m 12abc")).hasMessage("line 1: bad value '12abc'");
        assertThatThrownBy(() -> PrometheusText.parse("m{a=\"1\" b=\"2\"} 3"))
                .hasMessageContaining("expected ',' or '}'");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE m wibble\nm 1")).hasMessageContaining("bad TYPE line");
    }
}
