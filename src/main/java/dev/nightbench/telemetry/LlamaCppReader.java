package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's {@code llama-server}: {@code /metrics} (Prometheus text, only with {@code --metrics}) and {@code /slots}
 * each sample, {@code /props} once (build, context per slot, the model's file type). Every unlabelled
 * {@code llamacpp:} sample is kept: three under the summarised names ({@code requests_processing} as
 * {@link Reading#REQUESTS_RUNNING}, {@code requests_deferred} as {@link Reading#REQUESTS_WAITING}, and older builds'
 * {@code kv_cache_usage_ratio} as {@link Reading#KV_CACHE_USAGE}), the rest under their own names. The simulated
 * endpoint serves the same format and is read by this class as {@link TelemetrySource#SIMULATED}.
 */
final class LlamaCppReader implements ServerReader {

    static final String PREFIX = "llamacpp:";
    private static final Map<String, String> SUMMARISED = Map.of(
            "llamacpp:requests_processing", Reading.REQUESTS_RUNNING,
            "llamacpp:requests_deferred", Reading.REQUESTS_WAITING,
            "llamacpp:kv_cache_usage_ratio", Reading.KV_CACHE_USAGE);

    private final TelemetryHttp http;
    private final URI root;
    private final TelemetrySource source;
    private final boolean metrics;
    private final Facts facts;
    private boolean slots = true;

    /**
     * @param metrics whether {@code /metrics} answered (a server started without {@code --metrics} still has /slots)
     * @param props   {@code /props} as read when the server was recognised, or null
     */
    LlamaCppReader(TelemetryHttp http, URI root, TelemetrySource source, boolean metrics, JsonNode props) {
        this.http = http;
        this.root = root;
        this.source = source;
        this.metrics = metrics;
        this.facts = props == null ? (source == TelemetrySource.SIMULATED
                ? new Facts("nightbench simulated", null, null, null, null, null) : Facts.NONE) : facts(props);
    }

    static Facts facts(JsonNode props) {
        String build = props.path("build_info").asText(null);
        JsonNode ctx = props.path("default_generation_settings").path("n_ctx");
        String ftype = props.path("model_ftype").asText(null);
        return new Facts(build == null ? null : "llama.cpp " + build, ctx.isNumber() ? ctx.asInt() : null, null,
                ftype, null, null);
    }

    @Override
    public TelemetrySource source() {
        return source;
    }

    @Override
    public Facts facts(String serverModel) {
        return facts;
    }

    @Override
    public List<Reading> sample(String serverModel) throws IOException {
        List<Reading> out = new ArrayList<>();
        if (metrics) {
            PrometheusText.Exposition page = ServerReader.prometheus(http.get(root.resolve("/metrics")), "GET /metrics");
            for (PrometheusText.Series s : page.series()) {
                if (s.name().startsWith(PREFIX) && s.labels().isEmpty()) {
                    ServerReader.add(out, SUMMARISED.getOrDefault(s.name(), s.name()), s.value());
                }
            }
        }
        if (slots) {
            TelemetryHttp.Response r = http.get(root.resolve("/slots"));
            if (r.ok()) {
                JsonNode list = r.json();
                if (list.isArray()) {
                    int busy = 0;
                    for (JsonNode slot : list) {
                        busy += slot.path("is_processing").asBoolean(false) ? 1 : 0;
                    }
                    out.add(new Reading(Reading.SLOTS_TOTAL, list.size()));
                    out.add(new Reading(Reading.SLOTS_BUSY, busy));
                }
            } else {
                slots = false; // started with --no-slots (501) or an older server: not asked again this run
            }
        }
        if (!metrics && out.isEmpty()) {
            throw new IOException("GET /metrics is off (start llama-server with --metrics) and GET /slots answered nothing");
        }
        return out;
    }
}
