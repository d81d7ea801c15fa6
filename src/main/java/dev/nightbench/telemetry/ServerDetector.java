package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recognises what serves an endpoint from what it answers at its root (the base URL without {@code /v1}), once per
 * endpoint and step: {@code GET /metrics} with {@code llamacpp:} samples is llama.cpp (with {@code nightbench_simulated}
 * the simulated endpoint), with {@code vllm:} samples vLLM; else {@code GET /props} with llama.cpp's fields is a
 * llama-server started without {@code --metrics}; else {@code GET /api/ps} with a models list is Ollama. None of
 * them: no telemetry, with what was tried.
 */
final class ServerDetector {

    /** What was found: a reader, or none and what was tried. */
    record Detection(ServerReader reader, String tried) {
    }

    private final TelemetryHttp http;

    ServerDetector(TelemetryHttp http) {
        this.http = http;
    }

    Detection detect(URI baseUrl) {
        URI root = root(baseUrl);
        List<String> tried = new ArrayList<>();
        TelemetryHttp.Response metrics = get(root, "/metrics", tried);
        PrometheusText.Exposition page = null;
        if (metrics != null && metrics.ok()) {
            try {
                page = PrometheusText.parse(metrics.body());
            } catch (PrometheusText.ParseException e) {
                tried.set(tried.size() - 1, "GET /metrics: not Prometheus text (" + e.getMessage() + ")");
            }
        }
        if (page != null && page.hasPrefix(LlamaCppReader.PREFIX)) {
            boolean simulated = page.first("nightbench_simulated").isPresent();
            JsonNode props = simulated ? null : json(get(root, "/props", tried));
            return new Detection(new LlamaCppReader(http, root, simulated ? TelemetrySource.SIMULATED
                    : TelemetrySource.LLAMA_CPP, true, props), null);
        }
        if (page != null && page.hasPrefix("vllm:")) {
            JsonNode version = json(get(root, "/version", tried));
            return new Detection(new VllmReader(http, root, baseUrl, version == null ? null
                    : version.path("version").asText(null)), null);
        }
        if (page != null) {
            tried.set(tried.size() - 1, "GET /metrics: Prometheus text without llamacpp: or vllm: samples");
        }
        JsonNode props = json(get(root, "/props", tried));
        if (props != null && (props.has("build_info") || props.has("default_generation_settings"))) {
            return new Detection(new LlamaCppReader(http, root, TelemetrySource.LLAMA_CPP, false, props), null);
        }
        JsonNode ps = json(get(root, "/api/ps", tried));
        if (ps != null && ps.path("models").isArray()) {
            JsonNode version = json(get(root, "/api/version", tried));
            return new Detection(new OllamaReader(http, root, version == null ? null
                    : version.path("version").asText(null)), null);
        }
        return new Detection(null, String.join("; ", tried));
    }

    /** The answer, or null after a failure; either way a line of what was tried. */
    private TelemetryHttp.Response get(URI root, String path, List<String> tried) {
        try {
            TelemetryHttp.Response r = http.get(root.resolve(path));
            tried.add("GET " + path + ": HTTP " + r.status());
            return r;
        } catch (IOException e) {
            tried.add("GET " + path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
    }

    private static JsonNode json(TelemetryHttp.Response r) {
        if (r == null || !r.ok()) {
            return null;
        }
        try {
            JsonNode node = r.json();
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The server's root: the base URL without a trailing {@code /v1} (and slashes), e.g. {@code http://h:8080/}. */
    static URI root(URI baseUrl) {
        String s = baseUrl.toString().replaceAll("/+$", "");
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        return URI.create(s.replaceAll("/+$", "") + "/");
    }

    /** True for localhost and loopback address literals; other host names are never looked up. */
    static boolean local(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.startsWith("[")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
