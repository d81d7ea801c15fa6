package dev.nightbench.client.openai;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;

import java.io.IOException;

/**
 * The streaming path of a chat: the SDK sends the request and turns an HTTP error status into an exception; the
 * event stream itself is read by {@link ChunkStreamReader} (see there why, and how each chunk is time-stamped the
 * moment it is read). Each chunk goes to the observer and feeds the call's first-token and idle timers. The response
 * is complete only with a {@code finish_reason}: a stream that ends without one is {@code TRUNCATED_STREAM}, a
 * streaming request answered without an event stream is {@code INVALID_RESPONSE}, an error event inside the stream
 * is {@code HTTP_5XX}.
 */
final class StreamingChat {

    private final OpenAIClient sdk;
    private final NanoClock clock;
    private final FailureClassifier failures;

    StreamingChat(OpenAIClient sdk, NanoClock clock, FailureClassifier failures) {
        this.sdk = sdk;
        this.clock = clock;
        this.failures = failures;
    }

    /** What one stream showed so far. */
    private static final class StreamState {
        boolean done;
        boolean finished;
        int chunks;
        final CachedTokens cache = new CachedTokens();
    }

    /** Sends the request and reads its stream to the end, calling {@code observer.onClosed} when it was complete. */
    void send(ChatCompletionCreateParams params, CallGuard guard, ResponseObserver observer) throws IOException {
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
                sdk.chat().completions().withRawResponse().createStreaming(params);
        StreamState state = new StreamState();
        boolean clean = false;
        try {
            state.done = new ChunkStreamReader(response.body(), clock).read((arrival, chunk) -> {
                guard.lastChunkNanos = System.nanoTime();
                state.chunks++;
                if (chunk.error != null) {
                    throw new ModelClientException(FailureClass.HTTP_5XX,
                            "server reported an error mid-stream: " + failures.scrub(chunk.error), guard.status,
                            null, null);
                }
                if (chunk.hasChoice) {
                    if (!guard.firstToken && (notEmpty(chunk.content) || notEmpty(chunk.reasoning))) {
                        guard.firstTokenArrived();
                    }
                    observer.onChunk(arrival, chunk.content, chunk.reasoning);
                    if (chunk.finishReason != null) {
                        state.finished = true;
                        observer.onFinish(chunk.finishReason);
                    }
                }
                if (chunk.hasUsage) {
                    observer.onUsage(chunk.promptTokens, chunk.completionTokens);
                }
                Integer cached = state.cache.offer(chunk.cachedTokens, chunk.timingsCacheN);
                if (cached != null) {
                    observer.onCachedTokens(cached);
                }
                if (Thread.currentThread().isInterrupted()) {
                    guard.cancelCall();
                    throw new ModelClientException(FailureClass.CANCELLED, "interrupted while streaming");
                }
            });
            clean = true;
        } finally {
            if (!clean || !state.finished || guard.tripped() != null) {
                guard.cancelCall();
            }
            response.close();
        }
        long closed = clock.nanoTime();
        if (!guard.complete()) {
            throw failures.classify(new IOException("watchdog fired"), guard, "chat completion");
        }
        if (!state.finished && state.chunks == 0 && !isEventStream(guard.contentType)) {
            throw new ModelClientException(FailureClass.INVALID_RESPONSE,
                    "expected a text/event-stream, got " + failures.scrub(String.valueOf(guard.contentType))
                            + " without events", guard.status, null, null);
        }
        if (!state.finished) {
            throw new ModelClientException(FailureClass.TRUNCATED_STREAM,
                    "stream ended without a finish_reason", guard.status, null, null);
        }
        observer.onClosed(closed);
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("text/event-stream");
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
