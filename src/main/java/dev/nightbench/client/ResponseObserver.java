package dev.nightbench.client;

/**
 * Receives one response as it arrives. A {@link ModelClient} calls these in order on the thread that
 * reads the response, taking each timestamp from its nano-time source the moment the event is seen, so
 * an implementation must do no heavy work here (record and return).
 *
 * <p>Order: {@code onSent} once; then for a stream any number of {@code onChunk}, {@code onFinish} and
 * {@code onUsage} in the order the server sent them; then {@code onClosed} once when the response is
 * fully read. A non-streaming response is reported as a single {@code onChunk} carrying the whole answer.
 * On failure the client throws {@link ModelClientException} after calling {@code onClosed}.
 */
public interface ResponseObserver {

    /** The request was handed to the HTTP client at {@code t0Nanos}; {@code prepNanos} were spent building it. */
    void onSent(long t0Nanos, long prepNanos);

    /**
     * The request was lost on a reused (pooled) connection before any response arrived, and re-sent at once on a
     * fresh connection at {@code t0Nanos}: the new t0, since this is the request the model answers. Not a failed
     * attempt (METRICS.md); may come after {@code onSent}, before any chunk.
     */
    default void onReconnect(long t0Nanos) {
    }

    /**
     * A chunk arrived at {@code nanos}.
     *
     * @param content   the delta's {@code content}, or null
     * @param reasoning the delta's {@code reasoning_content} (reasoning models), or null
     */
    void onChunk(long nanos, String content, String reasoning);

    /** A choice finished with this {@code finish_reason}. */
    void onFinish(String finishReason);

    /** The server reported usage; either value may be null. */
    void onUsage(Integer promptTokens, Integer completionTokens);

    /**
     * The server said how many of the prompt's tokens it served from its prefix cache
     * ({@code usage.prompt_tokens_details.cached_tokens}, or llama.cpp's {@code timings.cache_n}); may come with or
     * after {@code onUsage}.
     */
    default void onCachedTokens(int cachedTokens) {
    }

    /** The response was fully read (or abandoned) at {@code nanos}. */
    void onClosed(long nanos);

    /**
     * An observer that ignores every event, to extend where only some matter (the judge keeps the text, the class
     * warm-up keeps nothing); the timing observers implement the interface whole so none of its events is missed.
     */
    abstract class Ignoring implements ResponseObserver {

        @Override
        public void onSent(long t0Nanos, long prepNanos) {
        }

        @Override
        public void onChunk(long nanos, String content, String reasoning) {
        }

        @Override
        public void onFinish(String finishReason) {
        }

        @Override
        public void onUsage(Integer promptTokens, Integer completionTokens) {
        }

        @Override
        public void onClosed(long nanos) {
        }
    }
}
