package dev.nightbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A server's own tokenizer over HTTP: llama.cpp's {@code POST /tokenize} ({@code {"content": "..."}} answered with
 * {@code {"tokens": [...]}}), which the simulated endpoint serves too. The server root is the endpoint's base URL
 * without its {@code /v1}. Its own JDK HTTP client, never the benchmarked requests' connections, and only ever called
 * outside a timed request: to fit synthetic prompts when the run starts, and to count an answer after it was timed.
 * The API key, when the endpoint has one, is sent as a bearer token (llama.cpp's {@code --api-key} guards this route
 * too) and never logged.
 */
public final class ServerTokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenize;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl the endpoint's base URL ({@code http://host:8080/v1}); {@code /tokenize} is at its root
     * @param apiKey  the endpoint's key, or null
     */
    public ServerTokenizer(URI baseUrl, String apiKey, Duration timeout) {
        this.tokenize = root(baseUrl).resolve("tokenize");
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** {@code http://host:8080/v1} → {@code http://host:8080/}; a base URL without {@code /v1} is its own root. */
    static URI root(URI baseUrl) {
        String s = baseUrl.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        return URI.create(s + "/");
    }

    /** The URL tokenized at. */
    public URI uri() {
        return tokenize;
    }

    /**
     * Tokens of {@code text} as the server counts them (without special tokens).
     *
     * @throws UncheckedIOException when the server cannot be reached or answers anything but a token list
     */
    public int count(String text) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(tokenize).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("content", text)),
                            StandardCharsets.UTF_8));
            if (apiKey != null && !apiKey.isBlank()) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException("POST " + tokenize + " answered HTTP " + response.statusCode()
                        + " (does the server have a /tokenize route? llama.cpp's llama-server has)");
            }
            JsonNode tokens = JSON.readTree(response.body()).path("tokens");
            if (!tokens.isArray()) {
                throw new IOException("POST " + tokenize + " answered without a \"tokens\" list");
            }
            return tokens.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while tokenizing at " + tokenize, e));
        }
    }
}
