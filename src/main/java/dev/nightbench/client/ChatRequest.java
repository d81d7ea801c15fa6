package dev.nightbench.client;

import java.util.List;
import java.util.Map;

/**
 * One chat-completion request, independent of any SDK.
 *
 * @param model       model id as the server knows it
 * @param messages    messages, system first
 * @param maxTokens   max_tokens, or null for the server's default
 * @param temperature temperature, or null for the server's default
 * @param seed        seed, or null
 * @param stream      stream the answer (SSE) and ask for usage in the last chunk
 * @param extra       further body parameters passed through as-is (per-model params from the plan)
 */
public record ChatRequest(String model, List<ChatMessage> messages, Integer maxTokens, Double temperature,
                          Long seed, boolean stream, Map<String, Object> extra) {

    public ChatRequest {
        messages = List.copyOf(messages);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
