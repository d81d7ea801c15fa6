package dev.nightbench.client;

/** One chat message: role ("system", "user", "assistant") and text. */
public record ChatMessage(String role, String content) {
}
