package dev.nightbench.client.openai;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;

import java.io.IOException;
import java.util.List;

/**
 * The non-streaming path of a chat: the SDK sends the request and parses the whole answer, which is reported as one
 * chunk time-stamped when the parsed response is returned (so it has no first token: only the total timeout
 * applies). An answer without choices is {@code INVALID_RESPONSE}.
 */
final class NonStreamingChat {

    private final OpenAIClient sdk;
    private final NanoClock clock;
    private final FailureClassifier failures;

    NonStreamingChat(OpenAIClient sdk, NanoClock clock, FailureClassifier failures) {
        this.sdk = sdk;
        this.clock = clock;
        this.failures = failures;
    }

    /** Sends the request, reads the answer and reports it, {@code observer.onClosed} included. */
    void send(ChatCompletionCreateParams params, CallGuard guard, ResponseObserver observer) {
        ChatCompletion completion = sdk.chat().completions().create(params);
        long now = clock.nanoTime();
        if (!guard.complete()) {
            throw failures.classify(new IOException("watchdog fired"), guard, "chat completion");
        }
        List<ChatCompletion.Choice> choices = completion._choices().asKnown()
                .orElseThrow(() -> new ModelClientException(FailureClass.INVALID_RESPONSE,
                        "response has no choices", 200, null, null));
        if (choices.isEmpty()) {
            throw new ModelClientException(FailureClass.INVALID_RESPONSE, "response has no choices", 200, null,
                    null);
        }
        ChatCompletion.Choice choice = choices.get(0);
        var message = choice._message().asKnown();
        String content = message.flatMap(m -> m._content().asKnown()).orElse(null);
        String reasoning = message.map(m -> JsonValues.reasoning(m._additionalProperties())).orElse(null);
        observer.onChunk(now, content, reasoning);
        choice._finishReason().asKnown().map(ChatCompletion.Choice.FinishReason::asString)
                .ifPresent(observer::onFinish);
        completion._usage().asKnown().ifPresent(usage -> reportUsage(usage, observer));
        reportCachedTokens(completion, observer);
        observer.onClosed(now);
    }

    /** {@code usage.prompt_tokens_details.cached_tokens}, else llama.cpp's {@code timings.cache_n} ({@link CachedTokens}). */
    private static void reportCachedTokens(ChatCompletion completion, ResponseObserver observer) {
        Integer fromUsage = completion._usage().asKnown()
                .flatMap(u -> u._promptTokensDetails().asKnown())
                .flatMap(d -> d._cachedTokens().asKnown())
                .map(Long::intValue).orElse(null);
        Integer cacheN = null;
        var timings = completion._additionalProperties().get("timings");
        var members = timings == null ? null : JsonValues.object(timings);
        if (members != null && members.get("cache_n") != null) {
            cacheN = JsonValues.integer(members.get("cache_n"));
        }
        Integer cached = new CachedTokens().offer(fromUsage, cacheN);
        if (cached != null) {
            observer.onCachedTokens(cached);
        }
    }

    private static void reportUsage(CompletionUsage usage, ResponseObserver observer) {
        observer.onUsage(usage._promptTokens().asKnown().map(Long::intValue).orElse(null),
                usage._completionTokens().asKnown().map(Long::intValue).orElse(null));
    }
}
