package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The simulated endpoint's tokenizer, at {@code POST /tokenize} as llama.cpp serves it ({@code {"content": "..."}}
 * answered with {@code {"tokens": [...]}}), so plans that fit synthetic prompts or count answers with a model's
 * tokenizer run on the simulator too. One token per whitespace-separated word, which is how the simulator counts
 * {@code usage.prompt_tokens} and {@code completion_tokens}; a token's id is its word's hash, deterministic.
 */
final class SimTokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SimTokenizer() {
    }

    /** The tokens of {@code text}: one per word. */
    static int[] tokenize(String text) {
        if (text == null || text.isBlank()) {
            return new int[0];
        }
        String[] words = text.strip().split("\\s+");
        int[] ids = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            ids[i] = words[i].hashCode() & 0x7fff;
        }
        return ids;
    }

    /** Answers {@code POST /tokenize}; a body without a text {@code content} gets HTTP 400. */
    static void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status = 200;
        ObjectNode answer = JSON.createObjectNode();
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (!exchange.getRequestMethod().equals("POST") || json == null || !json.path("content").isTextual()) {
            status = 400;
            answer.putObject("error").put("message", "POST {\"content\": \"...\"}");
        } else {
            ArrayNode tokens = answer.putArray("tokens");
            for (int id : tokenize(json.get("content").asText())) {
                tokens.add(id);
            }
        }
        byte[] out = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
        }
    }

}
