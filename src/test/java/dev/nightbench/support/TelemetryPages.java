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
     * Ollama as captured from real servers (see the README): {@code /api/ps} of an Ollama 0.11.6 with {@code mistral:7b}
     * resident at 8,329,906,176 bytes, 7,206,864,896 of them in VRAM, context 16384; {@code /api/version} of that server;
     * {@code /api/show} of {@code mistral:7b} as an Ollama 0.10.1 answered it (the same model; 0.11.6's answer for it
     * was not published): 7.2B, Q4_K_M, context 32768, the Apache licence text. And no {@code /metrics} (Ollama has
     * none: its router's plain 404), which also hides the simulated server's own.
     */
    public static SimulatedServer ollama(SimulatedServer server) {
        return server.serve("/metrics", 404, "text/plain", () -> "404 page not found".getBytes(StandardCharsets.UTF_8))
                .serve("/api/ps", 200, "application/json", () -> fixture("ollama/0.11.6-api-ps-partial-offload.json"))
                .serve("/api/show", 200, "application/json", () -> fixture("ollama/0.10.1-api-show-mistral.json"))
                .serve("/api/version", 200, "application/json", () -> fixture("ollama/0.11.6-api-version.json"));
    }
}
