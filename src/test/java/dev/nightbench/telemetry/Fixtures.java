package dev.nightbench.telemetry;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The captured payloads under {@code src/test/resources/telemetry/} (see the README there), and a loopback HTTP server
 * that serves them by path: anything not mounted is a 404, as on a server without that endpoint.
 */
final class Fixtures {

    private Fixtures() {
    }

    static String text(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/telemetry/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback server of mounted pages. */
    static final class Server implements AutoCloseable {
        private final HttpServer http;
        private final Map<String, String[]> pages = new ConcurrentHashMap<>();
        final AtomicInteger hits = new AtomicInteger();

        Server() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            http.createContext("/", exchange -> {
                hits.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                String[] page = pages.get(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
                int status = page == null ? 404 : Integer.parseInt(page[0]);
                byte[] body = (page == null ? "{\"error\":\"not found\"}" : page[2]).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", page == null ? "application/json" : page[1]);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
        }

        Server page(String method, String path, int status, String contentType, String body) {
            pages.put(method + " " + path, new String[] {String.valueOf(status), contentType, body});
            return this;
        }

        Server get(String path, String resource) {
            return page("GET", path, 200, resource.endsWith(".json") ? "application/json" : "text/plain; version=0.0.4",
                    text(resource));
        }

        /** {@code http://127.0.0.1:port/v1}, as a plan's base_url. */
        URI baseUrl() {
            return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                    + http.getAddress().getPort() + "/v1");
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    static Server llamaServer(String metrics) throws IOException {
        return new Server().get("/metrics", "llama-server/" + metrics).get("/props", "llama-server/props.json")
                .get("/slots", "llama-server/slots-busy.json");
    }

    static Server ollama() throws IOException {
        return new Server().get("/api/ps", "ollama/api-ps.json").get("/api/version", "ollama/api-version.json")
                .page("POST", "/api/show", 200, "application/json", text("ollama/api-show.json"));
    }

    /** An Ollama serving the given captures under {@code ollama/}: {@code /api/ps}, {@code /api/show}, {@code /api/version}. */
    static Server ollama(String ps, String show, String version) throws IOException {
        return new Server().get("/api/ps", "ollama/" + ps).get("/api/version", "ollama/" + version)
                .page("POST", "/api/show", 200, "application/json", text("ollama/" + show));
    }

    /** A vLLM serving only the captured {@code /metrics} page {@code vllm/<metrics>} (its /version was not captured). */
    static Server vllmCaptured(String metrics) throws IOException {
        return new Server().get("/metrics", "vllm/" + metrics);
    }

    static Server vllm() throws IOException {
        return new Server().get("/metrics", "vllm/metrics.txt").get("/version", "vllm/version.json")
                .get("/v1/models", "vllm/models.json");
    }
}
