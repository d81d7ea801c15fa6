package dev.nightbench.telemetry;

import java.io.IOException;
import java.util.List;

/** Reads one kind of server's telemetry, at the server's root (its base URL without {@code /v1}). */
sealed interface ServerReader permits LlamaCppReader, OllamaReader, VllmReader {

    TelemetrySource source();

    /** What the server states about itself and the model {@code serverModel}; read once per model and run. */
    Facts facts(String serverModel) throws IOException;

    /** One sample of the figures that change while the model runs. */
    List<Reading> sample(String serverModel) throws IOException;

    /** The page as Prometheus text, or an IOException saying why it is not. */
    static PrometheusText.Exposition prometheus(TelemetryHttp.Response r, String what) throws IOException {
        if (!r.ok()) {
            throw new IOException(what + ": HTTP " + r.status());
        }
        try {
            return PrometheusText.parse(r.body());
        } catch (PrometheusText.ParseException e) {
            throw new IOException(what + " is not Prometheus text: " + e.getMessage());
        }
    }

    static void add(List<Reading> out, String metric, double value) {
        if (Double.isFinite(value)) {
            out.add(new Reading(metric, value));
        }
    }
}
