package com.example.nightbench.ollama;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;

import java.util.regex.Pattern;

/**
 * A sample third-party model provider: Ollama's native chat API ({@code POST /api/chat}, answered as NDJSON lines;
 * {@code GET /api/tags} for the models), not its OpenAI-compatible {@code /v1}. It lives outside Nightbench's
 * classpath, in its own jar with {@code META-INF/services/dev.nightbench.client.ModelProvider}, and shows what a
 * provider does: its type, its settings checked through {@link ProviderSettings} (the same code at plan validation and
 * at run start), and a {@link ModelClient} that reports through the observer and classifies its failures.
 *
 * <pre>
 * endpoints:
 *   - name: ollama
 *     type: ollama-native
 *     base_url: http://localhost:11434      # the server's root, not /v1
 *     settings: {keep_alive: 5m, num_ctx: 4096, preload: true}
 * </pre>
 */
public final class OllamaNativeProvider implements ModelProvider {

    /** Ollama's durations: a number of seconds, or Go durations such as {@code 5m}, {@code 1h30m}, {@code -1}. */
    private static final Pattern DURATION = Pattern.compile("-?\\d+|-?(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");

    static final String KEEP_ALIVE = "keep_alive";
    static final String NUM_CTX = "num_ctx";
    static final String PRELOAD = "preload";

    @Override
    public String type() {
        return "ollama-native";
    }

    @Override
    public String description() {
        return "Ollama's native /api/chat; settings keep_alive, num_ctx, preload";
    }

    @Override
    public boolean takesBaseUrl() {
        return true;
    }

    @Override
    public void checkSettings(ProviderSettings settings) {
        read(settings);
    }

    @Override
    public ModelClient open(ProviderEndpoint endpoint) {
        return new OllamaNativeClient(endpoint, read(endpoint.settings()));
    }

    /** The settings as the client sends them; each wrong value is reported by the getters, naming the key. */
    static Options read(ProviderSettings settings) {
        String keepAlive = settings.string(KEEP_ALIVE, null);
        if (keepAlive != null && !DURATION.matcher(keepAlive.strip()).matches()) {
            settings.problem(KEEP_ALIVE, "expected a duration such as 5m, 1h30m, 30s or -1 (keep loaded), got '"
                    + keepAlive + "'");
            keepAlive = null;
        }
        Integer numCtx = settings.integer(NUM_CTX, 1, 1 << 22, null);
        boolean preload = settings.bool(PRELOAD, false);
        return new Options(keepAlive == null ? null : keepAlive.strip(), numCtx, preload);
    }

    /**
     * An endpoint's settings, validated.
     *
     * @param keepAlive how long Ollama keeps the model loaded after a request ({@code keep_alive}), or null for its default
     * @param numCtx    the context window ({@code options.num_ctx}), or null for the model's default
     * @param preload   load each model before its warm-up (a chat with no messages), so the load is timed apart
     *                  ({@code run_models.load_ms}) and not inside the first request's TTFT
     */
    record Options(String keepAlive, Integer numCtx, boolean preload) {
    }
}
