package dev.nightbench.support;

import dev.nightbench.client.sim.SimulatedServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The captured telemetry payloads under {@code src/test/resources/telemetry/} (see the README there) mounted on a
 * loopback {@link SimulatedServer}, so one server answers chat completions and serves the telemetry pages of the
 * server it stands in for. Whole-job tests share it (run/TelemetryJobTest, cli/ModelChoiceTest) so both read the same
 * bytes a real server sent rather than each test's copy of them.
 */
public final class TelemetryPages {

    private TelemetryPages() {
    }

    /** A fixture's bytes, e.g. {@code llama-server/props.json}. */
    public static byte[] fixture(String resource) {
        try (InputStream in = TelemetryPages.class.getResourceAsStream("/telemetry/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no telemetry fixture " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * llama.cpp's llama-server as captured while busy: {@code /metrics} (Prometheus text), {@code /props},
     * {@code /slots}. It states its version, context and quantisation but no memory figure.
     */
    public static SimulatedServer llamaServer(SimulatedServer server) {
        return server.serve("/metrics", 200, "text/plain; version=0.0.4", () -> fixture("llama-server/metrics-busy.txt"))
                .serve("/props", 200, "application/json", () -> fixture("llama-server/props.json"))
                .serve("/slots", 200, "application/json", () -> fixture("llama-server/slots-busy.json"));
    }

    /**
     * Ollama's documented payloads: {@code /api/ps} (model {@code mistral:latest} resident at 5,137,025,024 bytes,
     * all of it in VRAM), {@code /api/show} (parameters, quantisation, licence), {@code /api/version}; and no
     * {@code /metrics} (Ollama has none: its router's plain 404), which also hides the simulated server's own.
     */
    public static SimulatedServer ollama(SimulatedServer server) {
        return server.serve("/metrics", 404, "text/plain", () -> "404 page not found".getBytes(StandardCharsets.UTF_8))
                .serve("/api/ps", 200, "application/json", () -> fixture("ollama/api-ps.json"))
                .serve("/api/show", 200, "application/json", () -> fixture("ollama/api-show.json"))
                .serve("/api/version", 200, "application/json", () -> fixture("ollama/api-version.json"));
    }
}
