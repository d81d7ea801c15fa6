package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * vLLM: {@code /metrics} each sample, of which it keeps the scheduler and cache gauges
 * ({@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code vllm:kv_cache_usage_perc} or, on
 * servers before 0.10, {@code vllm:gpu_cache_usage_perc}; a fraction 0-1 despite its name) and the token and
 * preemption counters; {@code /version} and the model's {@code max_model_len} from {@code /v1/models} once. A series
 * labelled with the benchmarked model's {@code model_name} is preferred; engines ({@code engine="0"}, ...) are summed,
 * the cache usage is their highest.
 */
final class VllmReader implements ServerReader {

    private static final Map<String, String> KEPT = Map.of(
            "vllm:num_requests_running", Reading.REQUESTS_RUNNING,
            "vllm:num_requests_waiting", Reading.REQUESTS_WAITING,
            "vllm:prompt_tokens_total", "vllm:prompt_tokens_total",
            "vllm:generation_tokens_total", "vllm:generation_tokens_total",
            "vllm:num_preemptions_total", "vllm:num_preemptions_total");

    private final TelemetryHttp http;
    private final URI root;
    private final URI baseUrl;
    private final String version;

    VllmReader(TelemetryHttp http, URI root, URI baseUrl, String version) {
        this.http = http;
        this.root = root;
        this.baseUrl = baseUrl;
        this.version = version;
    }

    @Override
    public TelemetrySource source() {
        return TelemetrySource.VLLM;
    }

    @Override
    public Facts facts(String serverModel) throws IOException {
        Integer context = null;
        TelemetryHttp.Response r = http.get(URI.create(baseUrl.toString().replaceAll("/+$", "") + "/models"));
        if (r.ok()) {
            for (JsonNode m : r.json().path("data")) {
                if (m.path("id").asText("").equals(serverModel) && m.path("max_model_len").isNumber()) {
                    context = m.path("max_model_len").asInt();
                }
            }
        }
        return new Facts(version == null ? null : "vllm " + version, context, null, null, null, null);
    }

    @Override
    public List<Reading> sample(String serverModel) throws IOException {
        PrometheusText.Exposition page = ServerReader.prometheus(http.get(root.resolve("/metrics")), "GET /metrics");
        List<Reading> out = new ArrayList<>();
        for (Map.Entry<String, String> k : KEPT.entrySet()) {
            List<PrometheusText.Series> series = ofModel(page.named(k.getKey()), serverModel);
            if (!series.isEmpty()) {
                ServerReader.add(out, k.getValue(), series.stream().mapToDouble(PrometheusText.Series::value).sum());
            }
        }
        List<PrometheusText.Series> kv = ofModel(page.named("vllm:kv_cache_usage_perc"), serverModel);
        if (kv.isEmpty()) {
            kv = ofModel(page.named("vllm:gpu_cache_usage_perc"), serverModel);
        }
        kv.stream().mapToDouble(PrometheusText.Series::value).max()
                .ifPresent(v -> ServerReader.add(out, Reading.KV_CACHE_USAGE, v));
        return out;
    }

    private static List<PrometheusText.Series> ofModel(List<PrometheusText.Series> series, String serverModel) {
        List<PrometheusText.Series> mine = series.stream()
                .filter(s -> serverModel.equals(s.labels().get("model_name"))).toList();
        return mine.isEmpty() ? series : mine;
    }
}
