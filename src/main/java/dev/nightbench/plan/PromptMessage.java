package dev.nightbench.plan;

/**
 * One message of a prompt as the plan gives it: role ("system", "user", "assistant") and text. The plan's own
 * type, so that {@code plan} depends on no client; {@code measure/PlanToClient} turns it into the message the
 * client sends.
 */
public record PromptMessage(String role, String content) {
}
