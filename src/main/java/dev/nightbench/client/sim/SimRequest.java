package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightbench.client.ChatMessage;

import java.io.IOException;
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
 */
public record SimRequest(String model, List<ChatMessage> messages, Integer maxTokens, boolean stream,
                         boolean includeUsage, int index, Map<String, List<String>> headers, String rawBody) {

    public SimRequest {
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
        JsonNode json = body();
        if (json.path("ignore_eos").asBoolean(false) && maxTokens != null) {
            return maxTokens;
        }
        return Math.max(0, json.path("min_tokens").asInt(0));
    }

    /** False when the request says llama.cpp's {@code cache_prompt: false}: the prefix cache is not used for it. */
    public boolean cachePrompt() {
        return body().path("cache_prompt").asBoolean(true);
    }

    /** The body as JSON; an empty object when it is none. */
    private JsonNode body() {
        try {
            JsonNode json = JSON.readTree(rawBody == null ? "" : rawBody);
            return json == null ? JSON.createObjectNode() : json;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** All message texts joined, as a stable key for deterministic answers. */
    public String promptText() {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append(':').append(m.content()).append('\n');
        }
        return sb.toString();
    }
}
