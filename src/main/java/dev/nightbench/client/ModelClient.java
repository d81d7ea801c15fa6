package dev.nightbench.client;

import java.util.List;

/**
 * Talks to one endpoint: an OpenAI-compatible server, the simulator, or whatever a {@link ModelProvider} runs.
 * Implementations must not retry on their own (the job owns retries) and must report every timestamp through the {@link ResponseObserver} as soon as it is seen.
 */
public interface ModelClient extends AutoCloseable {

    /** {@code GET /v1/models}: the model ids the server lists (a provider: the model names it can run). */
    List<String> listModels();

    /**
     * Sends one chat completion and reports it to {@code observer}. Returns normally only when the response
     * was complete (for a stream: a {@code finish_reason} or {@code [DONE]} was seen).
     *
     * @throws ModelClientException classified failure; {@code observer.onClosed} has been called
     */
    void chat(ChatRequest request, ResponseObserver observer);

    /**
     * The base URL its requests go to ({@code .../v1}), or null when it has none; the simulated endpoint's too, which
     * the plan does not know (server telemetry is read beside it, at the server's root).
     */
    default java.net.URI baseUrl() {
        return null;
    }

    /**
     * Loads {@code model} (a model name of the plan) before its first request, for a provider that runs models itself
     * (in-process): the run calls it once per model before the model's warm-up and stores the time as the model's load
     * time ({@code run_models.load_ms}); a request never waits for a load inside its timed window. Returns null when
     * there is nothing to load (a server loads its own models). May be called again: then it returns at once.
     *
     * @throws ModelClientException the model could not be loaded
     */
    default java.time.Duration load(String model) {
        return null;
    }

    /**
     * Why {@link #load} loaded nothing for a model a provider runs itself, after it was called: e.g. the model was
     * already loaded in this process by an earlier run ({@code run_models.load_note}). Null otherwise.
     */
    default String loadNote(String model) {
        return null;
    }

    /**
     * The SHA-256 (lower-case hex) of the weights file a provider runs {@code model} from, read after {@link #load}
     * ({@code run_models.model_sha256}: the report flags a file that changed under the same path since the baseline);
     * null when it does not read one (a server).
     */
    default String modelSha256(String model) {
        return null;
    }

    /**
     * Whether the chunk timestamps it reports are when it read them off a connection, so that several chunks can come
     * out of one read after a stall (METRICS.md's "burst" flag looks for that). False for a provider that takes every
     * token from the model one by one (in-process): its tokens may legitimately follow each other faster than a read,
     * so only the impossible-rate rule applies to it.
     */
    default boolean chunksAreReads() {
        return true;
    }

    /** {@code text} without any secret this client sends (its API key), to apply before answer text is stored. */
    default String redact(String text) {
        return text;
    }

    @Override
    void close();
}
