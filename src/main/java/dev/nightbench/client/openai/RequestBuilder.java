package dev.nightbench.client.openai;

import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link ChatRequest} into the SDK's parameters: the messages by role, {@code max_tokens},
 * {@code temperature} and {@code seed} unless the model's own parameters ({@link ChatRequest#extra()}) set them,
 * usage in the last chunk of a stream, and every other per-model parameter passed through into the body as-is
 * (except the fields Nightbench itself sets).
 */
final class RequestBuilder {

    private static final Logger log = LoggerFactory.getLogger(RequestBuilder.class);
    private static final Set<String> OWNED_BODY_FIELDS = Set.of("model", "messages", "stream", "stream_options");

    private RequestBuilder() {
    }

    /**
     * @param callId the id the {@link Watchdog} knows the call by, sent in {@link Watchdog#CALL_HEADER}
     * @throws IllegalArgumentException a message role the SDK cannot send
     */
    static ChatCompletionCreateParams params(ChatRequest request, String callId) {
        ChatCompletionCreateParams.Builder builder = ChatCompletionCreateParams.builder()
                .model(request.model())
                .putAdditionalHeader(Watchdog.CALL_HEADER, callId);
        for (ChatMessage message : request.messages()) {
            switch (message.role()) {
                case "system" -> builder.addSystemMessage(message.content());
                case "developer" -> builder.addDeveloperMessage(message.content());
                case "user" -> builder.addUserMessage(message.content());
                case "assistant" -> builder.addMessage(
                        ChatCompletionAssistantMessageParam.builder().content(message.content()).build());
                default -> throw new IllegalArgumentException("unsupported message role: " + message.role());
            }
        }
        Map<String, Object> extra = request.extra();
        if (request.maxTokens() != null && !extra.containsKey("max_tokens")
                && !extra.containsKey("max_completion_tokens")) {
            builder.maxTokens(request.maxTokens().longValue());
        }
        if (request.temperature() != null && !extra.containsKey("temperature")) {
            builder.temperature(request.temperature());
        }
        if (request.seed() != null && !extra.containsKey("seed")) {
            builder.seed(request.seed());
        }
        if (request.stream()) {
            builder.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
            // OkHttp otherwise asks for gzip, and a compressing server or proxy may then hold events back to fill
            // its compression blocks: the chunks would arrive late and together
            builder.putAdditionalHeader("Accept-Encoding", "identity");
        }
        extra.forEach((name, value) -> {
            if (OWNED_BODY_FIELDS.contains(name)) {
                log.debug("Ignoring per-model parameter '{}': Nightbench sets it", name);
            } else {
                builder.putAdditionalBodyProperty(name, JsonValue.from(value));
            }
        });
        return builder.build();
    }
}
