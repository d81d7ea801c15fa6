package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ollama: {@code GET /api/ps} each sample (the loaded models; for the benchmarked one its {@code size} as
 * {@link Reading#MEMORY_MB}, {@code size_vram} as {@link Reading#VRAM_MB} and, on newer servers, its
 * {@code context_length}), {@code POST /api/show} once per model (parameter size, quantisation level, licence, trained
 * context length) and {@code GET /api/version} once.
 *
 * <p>What real servers send differs from the documented examples (see {@code src/test/resources/telemetry/README.md}):
 * the trained context is {@code <general.architecture>.context_length} beside other {@code *context_length} keys
 * (e.g. {@code qwen3.rope.scaling.original_context_length}); ollama.com states {@code parameter_size} as a bare count
 * ({@code "116829156672"}), which is shown as Ollama's own CLI shows it ({@code 116.8B}); the licence is the model's
 * whole licence text, so its GGUF identifier {@code general.license} (e.g. {@code apache-2.0}, {@code llama3.1}) is
 * preferred when the model states one, else the text's first line ("Apache License" with its "Version 2.0" line).
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
        JsonNode info = show.path("model_info");
        return new Facts(serverVersion, context(info), parameters(details, info),
                text(details.path("quantization_level")), licence(show, info), null);
    }

    /** {@code <general.architecture>.context_length}, else the only {@code *.context_length} key there is. */
    static Integer context(JsonNode info) {
        String arch = text(info.path("general.architecture"));
        if (arch != null && info.path(arch + ".context_length").isNumber()) {
            return info.path(arch + ".context_length").asInt();
        }
        Integer found = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith(".context_length") && e.getValue().isNumber()) {
                if (found != null) {
                    return null; // two candidates and no architecture to choose between them
                }
                found = e.getValue().asInt();
            }
        }
        return found;
    }

    /** {@code details.parameter_size} as stated ({@code 8.0B}), a bare count in Ollama's CLI notation. */
    static String parameters(JsonNode details, JsonNode info) {
        String stated = text(details.path("parameter_size"));
        if (stated != null && stated.matches("\\d{1,18}")) {
            return humanCount(Long.parseLong(stated));
        }
        if (stated == null && info.path("general.parameter_count").canConvertToLong()) {
            return humanCount(info.path("general.parameter_count").asLong());
        }
        return stated;
    }

    /** A count as Ollama's CLI writes it: 116.8B, 751.63M, 8B, 5K. */
    static String humanCount(long n) {
        if (n >= 1_000_000_000L) {
            return scaled(n / 1e9, 1, "B");
        }
        if (n >= 1_000_000L) {
            return scaled(n / 1e6, 2, "M");
        }
        return n >= 1_000L ? String.format(Locale.ROOT, "%.0fK", n / 1e3) : Long.toString(n);
    }

    private static String scaled(double v, int decimals, String unit) {
        return String.format(Locale.ROOT, "%." + (v == Math.floor(v) ? 0 : decimals) + "f%s", v, unit);
    }

    /** The GGUF's licence identifier when the model states one, else the head of the licence text. */
    static String licence(JsonNode show, JsonNode info) {
        String id = text(info.path("general.license"));
        if (id != null) {
            return id.strip();
        }
        String text = text(show.path("license"));
        if (text == null) {
            return null;
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).limit(2).toList();
        if (lines.size() == 2 && lines.get(0).equals("Apache License") && lines.get(1).startsWith("Version ")) {
            return Facts.firstLine(lines.get(0) + " " + lines.get(1)); // "Version 2.0, January 2004" is its second line
        }
        return Facts.firstLine(text);
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
