package dev.nightbench.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A genuine llama.cpp {@code llama-server} on 127.0.0.1 (the one {@code bench/real-model/llama-server.sh} builds into
 * {@code ~/.cache/nightbench}) serving the shared {@code stories260K.gguf}, for the tests that check Nightbench against
 * a real server; the test is skipped (an assumption) when the binary or the model is missing. {@code LLAMA_SERVER} and
 * {@code STORIES_GGUF} point elsewhere. Close it to stop the server.
 */
public final class RealLlamaServer implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getenv().getOrDefault("LLAMA_SERVER", System.getProperty("user.home")
            + "/.cache/nightbench/llama-server-3.22.1-de3ff81/build/bin/llama-server"));
    public static final Path STORIES = Path.of(System.getenv().getOrDefault("STORIES_GGUF",
            "../shared/models/stories260K.gguf"));

    private final Process process;
    private final int port;

    private RealLlamaServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it with {@code --alias stories260K} and these further arguments, its output in {@code log}, and waits for
     * {@code /health}; skips the calling test when there is no server or model here.
     */
    public static RealLlamaServer start(Path log, String... arguments) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(BINARY) && Files.isReadable(STORIES), "no llama-server at " + BINARY
                + " (bench/real-model/llama-server.sh builds it) or no model at " + STORIES);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-m", STORIES.toString(), "--alias",
                "stories260K", "--host", "127.0.0.1", "--port", String.valueOf(port)));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RealLlamaServer server = new RealLlamaServer(process, port);
        try {
            server.awaitHealthy();
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The OpenAI-compatible base URL, {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port + "/v1");
    }

    private void awaitHealthy() throws InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("llama-server did not come up at " + health);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
