package dev.nightbench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The telemetry reader's own small HTTP client (the JDK's), apart from the benchmarked requests' client so it never
 * shares a connection or a pool with them, with short timeouts: a slow telemetry endpoint costs a sample, never a
 * request. Bodies above {@link #MAX_BODY} bytes are refused.
 */
public final class TelemetryHttp implements AutoCloseable {

    static final int MAX_BODY = 4 * 1024 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public TelemetryHttp(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** An answer: its status and body. */
    record Response(int status, String body) {
        boolean ok() {
            return status == 200;
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    Response get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    Response postJson(URI uri, String json) throws IOException {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Response send(HttpRequest.Builder builder) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(builder.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = r.body();
            if (body.length > MAX_BODY) {
                throw new IOException("body of " + body.length + " bytes is over " + MAX_BODY);
            }
            return new Response(r.statusCode(), new String(body, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
