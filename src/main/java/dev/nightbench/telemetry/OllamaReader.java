package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Ollama: {@code GET /api/ps} each sample (the loaded models; for the benchmarked one its {@code size} as
 * {@link Reading#MEMORY_MB}, {@code size_vram} as {@link Reading#VRAM_MB} and, on newer servers, its
 * {@code context_length}), {@code POST /api/show} once per model (parameter size, quantisation level, licence, trained
 * context length) and {@code GET /api/version} once.
 */
final class OllamaReader implements ServerReader {

    private static final double MB = 1024.0 * 1024.0;

    private final TelemetryHttp http;
    private final URI root;
    private final String version;

    OllamaReader(TelemetryHttp http, URI root, String version) {
        this.http = http;
        this.root = root;
        this.version = version;
    }

    @Override
    public TelemetrySource source() {
        return TelemetrySource.OLLAMA;
    }

    @Override
    public Facts facts(String serverModel) throws IOException {
        String serverVersion = version == null ? null : "ollama " + version;
        TelemetryHttp.Response r = http.postJson(root.resolve("/api/show"),
                TelemetryHttp.JSON.writeValueAsString(Map.of("model", serverModel)));
        if (!r.ok()) {
            throw new IOException("POST /api/show for '" + serverModel + "': HTTP " + r.status());
        }
        JsonNode show = r.json();
        JsonNode details = show.path("details");
        Integer context = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = show.path("model_info").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith(".context_length") && e.getValue().isNumber()) {
                context = e.getValue().asInt();
            }
        }
        return new Facts(serverVersion, context, text(details.path("parameter_size")),
                text(details.path("quantization_level")), Facts.firstLine(text(show.path("license"))), null);
    }

    @Override
    public List<Reading> sample(String serverModel) throws IOException {
        TelemetryHttp.Response r = http.get(root.resolve("/api/ps"));
        if (!r.ok()) {
            throw new IOException("GET /api/ps: HTTP " + r.status());
        }
        JsonNode models = r.json().path("models");
        if (!models.isArray()) {
            throw new IOException("GET /api/ps has no models list");
        }
        List<Reading> out = new ArrayList<>();
        out.add(new Reading(Reading.LOADED_MODELS, models.size()));
        for (JsonNode m : models) {
            if (same(m.path("name").asText(""), serverModel) || same(m.path("model").asText(""), serverModel)) {
                if (m.path("size").isNumber()) {
                    out.add(new Reading(Reading.MEMORY_MB, m.path("size").asDouble() / MB));
                }
                if (m.path("size_vram").isNumber()) {
                    out.add(new Reading(Reading.VRAM_MB, m.path("size_vram").asDouble() / MB));
                }
                if (m.path("context_length").isNumber()) {
                    out.add(new Reading(Reading.CONTEXT_LENGTH, m.path("context_length").asDouble()));
                }
                break;
            }
        }
        return out;
    }

    /** Ollama names a model without a tag as {@code name:latest}. */
    static boolean same(String listed, String wanted) {
        return listed.equals(wanted) || listed.equals(wanted + ":latest") || wanted.equals(listed + ":latest");
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
