package dev.nightbench.telemetry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Ollama and vLLM readers against payloads real servers sent, as published (sources in
 * {@code src/test/resources/telemetry/README.md}), served from loopback: Ollama 0.11.6 and 0.10.1 on a desktop GPU,
 * ollama.com, and vLLM in NVIDIA's {@code nvcr.io/nvidia/vllm:25.09-py3} container. Each figure asserted is the one
 * the payload states; where the same source printed Ollama's CLI view of it, that view is the cross-check.
 */
class CapturedPayloadsTest {

    private static final double MB = 1024.0 * 1024.0;

    private final TelemetryHttp http = new TelemetryHttp(Duration.ofSeconds(2));
    private final ServerDetector detector = new ServerDetector(http);

    @AfterEach
    void close() {
        http.close();
    }

    private static Map<String, Double> byMetric(List<Reading> readings) {
        return readings.stream().collect(Collectors.toMap(Reading::metric, Reading::value));
    }

    @Test
    void ollamaWithAModelPartlyOffloadedToTheGpu() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("0.11.6-api-ps-partial-offload.json",
                "0.11.6-api-show-dolphin3.json", "0.11.6-api-version.json")) {
            ServerDetector.Detection d = detector.detect(URI.create(server.baseUrl() + "/"));
            assertThat(d.reader()).isInstanceOf(OllamaReader.class);

            Map<String, Double> r = byMetric(d.reader().sample("mistral:7b"));

            assertThat(r.get(Reading.MEMORY_MB)).isCloseTo(8_329_906_176L / MB, within(1e-9));
            assertThat(r.get(Reading.VRAM_MB)).isCloseTo(7_206_864_896L / MB, within(1e-9));
            // `ollama ps` printed this model as "8.3 GB  13%/87% CPU/GPU  16384"
            assertThat(Math.round(100 * r.get(Reading.VRAM_MB) / r.get(Reading.MEMORY_MB))).isEqualTo(87);
            assertThat(r).containsEntry(Reading.CONTEXT_LENGTH, 16384.0).containsEntry(Reading.LOADED_MODELS, 1.0);
            // "mistral" names mistral:latest, another tag than the loaded mistral:7b
            assertThat(byMetric(d.reader().sample("mistral"))).containsOnlyKeys(Reading.LOADED_MODELS);
        }
    }

    @Test
    void ollamaWithTwoModelsLoadedReadsTheBenchmarkedOne() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("0.11.6-api-ps-two-models.json",
                "0.11.6-api-show-smollm2.json", "0.11.6-api-version.json")) {
            ServerReader reader = detector.detect(server.baseUrl()).reader();

            Map<String, Double> small = byMetric(reader.sample("smollm2:1.7b"));
            Map<String, Double> granite = byMetric(reader.sample("granite3.3:2b"));

            assertThat(small).containsEntry(Reading.LOADED_MODELS, 2.0).containsEntry(Reading.CONTEXT_LENGTH, 4096.0);
            assertThat(small.get(Reading.MEMORY_MB)).isCloseTo(3_501_615_104L / MB, within(1e-9));
            assertThat(granite.get(Reading.MEMORY_MB)).isCloseTo(2_629_206_853L / MB, within(1e-9));
            assertThat(granite.get(Reading.VRAM_MB)).isEqualTo(granite.get(Reading.MEMORY_MB)); // "100% GPU"
        }
    }

    @Test
    void ollamaBeforeContextLengthWasListed() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("issue-api-ps-gemma3.json",
                "0.11.6-api-show-dolphin3.json", "0.11.6-api-version.json")) {
            Map<String, Double> r = byMetric(detector.detect(server.baseUrl()).reader().sample("gemma3"));

            assertThat(r).containsOnlyKeys(Reading.LOADED_MODELS, Reading.MEMORY_MB, Reading.VRAM_MB);
            assertThat(r.get(Reading.VRAM_MB)).isCloseTo(5_964_735_424L / MB, within(1e-9));
        }
    }

    @Test
    void ollamaShowPrefersTheModelsLicenceIdentifierAndTheArchitecturesContext() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("0.11.6-api-ps-partial-offload.json",
                "0.11.6-api-show-dolphin3.json", "0.11.6-api-version.json")) {
            Facts f = detector.detect(server.baseUrl()).reader().facts("dolphin3:8b");

            // `ollama show` printed: parameters 8.0B, context length 131072, quantization Q4_K_M,
            // licence "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT"; model_info states general.license "llama3.1"
            assertThat(f).isEqualTo(new Facts("ollama 0.11.6", 131072, "8.0B", "Q4_K_M", "llama3.1", null));
        }
        try (Fixtures.Server server = Fixtures.ollama("0.11.6-api-ps-two-models.json",
                "0.11.6-api-show-smollm2.json", "0.11.6-api-version.json")) {
            Facts f = detector.detect(server.baseUrl()).reader().facts("smollm2:1.7b");

            assertThat(f).isEqualTo(new Facts("ollama 0.11.6", 8192, "1.7B", "Q8_0", "apache-2.0", null));
        }
    }

    @Test
    void ollamaShowWithoutALicenceIdentifierKeepsTheLicenceTitleAndVersion() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("0.11.6-api-ps-partial-offload.json",
                "0.10.1-api-show-mistral.json", "0.10.1-api-version.json")) {
            Facts f = detector.detect(server.baseUrl()).reader().facts("mistral:7b");

            // `ollama show` printed the licence as "Apache License / Version 2.0, January 2004 / ..."
            assertThat(f).isEqualTo(new Facts("ollama 0.10.1", 32768, "7.2B", "Q4_K_M",
                    "Apache License Version 2.0, January 2004", null));
        }
    }

    @Test
    void ollamaComStatesABareParameterCountAndNoLicence() throws Exception {
        try (Fixtures.Server server = Fixtures.ollama("issue-api-ps-gemma3.json",
                "ollama-com-api-show-gpt-oss.json", "ollama-com-api-version.json")) {
            Facts f = detector.detect(server.baseUrl()).reader().facts("gpt-oss:120b");

            // "parameter_size": "116829156672"; the same source's `ollama show` printed "parameters 116.8B"
            assertThat(f).isEqualTo(new Facts("ollama 0.0.0", 131072, "116.8B", "MXFP4", null, null));
        }
    }

    @Test
    void countsAreWrittenAsOllamasCli() {
        assertThat(OllamaReader.humanCount(116_829_156_672L)).isEqualTo("116.8B");
        assertThat(OllamaReader.humanCount(20_914_757_184L)).isEqualTo("20.9B");
        assertThat(OllamaReader.humanCount(8_000_000_000L)).isEqualTo("8B");
        assertThat(OllamaReader.humanCount(751_632_384L)).isEqualTo("751.63M");
        assertThat(OllamaReader.humanCount(5_000L)).isEqualTo("5K");
        assertThat(OllamaReader.humanCount(999L)).isEqualTo("999");
    }

    @Test
    void vllmInNvidiasContainer() throws Exception {
        try (Fixtures.Server server = Fixtures.vllmCaptured("nvidia-25.09-metrics.txt")) {
            ServerDetector.Detection d = detector.detect(server.baseUrl());
            assertThat(d.reader()).isInstanceOf(VllmReader.class);

            Map<String, Double> r = byMetric(d.reader().sample("Qwen/Qwen3-4B-Instruct-2507-FP8"));

            // the page states both vllm:kv_cache_usage_perc and the deprecated vllm:gpu_cache_usage_perc
            assertThat(r).containsOnly(Map.entry(Reading.REQUESTS_RUNNING, 0.0), Map.entry(Reading.REQUESTS_WAITING, 0.0),
                    Map.entry(Reading.KV_CACHE_USAGE, 0.0011764705882353343),
                    Map.entry("vllm:prompt_tokens_total", 246.0), Map.entry("vllm:generation_tokens_total", 1739.0),
                    Map.entry("vllm:num_preemptions_total", 0.0));
            assertThat(byMetric(d.reader().sample("another-model"))).isEqualTo(r); // one model served: its series
            Facts f = d.reader().facts("Qwen/Qwen3-4B-Instruct-2507-FP8");
            assertThat(f.serverVersion()).isNull(); // no /version or /v1/models was captured: 404s, not errors
            assertThat(f.contextSize()).isNull();
        }
    }
}
