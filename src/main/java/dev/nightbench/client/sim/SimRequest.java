package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.nightbench.client.ChatMessage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chat-completion request as the {@link SimulatedServer} read it.
 *
 * @param model        the requested model
 * @param messages     the messages (content of multi-part messages joined)
 * @param maxTokens    {@code max_tokens} (or {@code max_completion_tokens}), null when absent
 * @param stream       {@code stream}
 * @param includeUsage {@code stream_options.include_usage}
 * @param index        0-based number of this request among the requests to this model
 * @param headers      request headers, names in lower case
 * @param rawBody      the request body as received
 * @param body         the same body as the server parsed it once (an absent node when there is none), for the
 *                     parameters a model reads beyond the common ones ({@link #minTokens()}, {@link #cachePrompt()})
 */
public record SimRequest(String model, List<ChatMessage> messages, Integer maxTokens, boolean stream,
                         boolean includeUsage, int index, Map<String, List<String>> headers, String rawBody,
                         JsonNode body) {

    public SimRequest {
        body = body == null ? MissingNode.getInstance() : body;
        messages = List.copyOf(messages);
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = Map.copyOf(lower);
    }

    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Whitespace-separated words over all messages: the simulated prompt token count. */
    public int promptWords() {
        int words = 0;
        for (ChatMessage m : messages) {
            words += SimText.countWords(m.content());
        }
        return words;
    }

    /**
     * The fewest tokens the request asks the model to write: {@code max_tokens} with llama.cpp's (and vLLM's)
     * {@code ignore_eos: true}, else vLLM's {@code min_tokens}; 0 when it asks for neither (issue 14's output control).
     */
    public int minTokens() {
        if (body.path("ignore_eos").asBoolean(false) && maxTokens != null) {
            return maxTokens;
        }
        return Math.max(0, body.path("min_tokens").asInt(0));
    }

    /** False when the request says llama.cpp's {@code cache_prompt: false}: the prefix cache is not used for it. */
    public boolean cachePrompt() {
        return body.path("cache_prompt").asBoolean(true);
    }

    /** All message texts joined, as a stable key for deterministic answers. */
    public String promptText() {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append(':').append(m.content()).append('\n');
        }
        return sb.toString();
    }
}
