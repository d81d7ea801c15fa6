package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * One prompt: either a single user text or a full message list, with an optional system prompt.
 *
 * @param id       stable id (unique in a plan); results are compared across runs by it
 * @param text     the user text, or null when {@code messages} is given
 * @param messages explicit chat messages, or empty when {@code text} is given
 * @param system   optional system prompt, sent first
 * @param expect   the checks every measured answer to it gets ({@code expect:}), empty for none
 */
public record PromptSpec(String id, String text, List<PromptMessage> messages, String system, List<CheckSpec> expect) {

    public PromptSpec {
        messages = messages == null ? List.of() : List.copyOf(messages);
        expect = expect == null ? List.of() : List.copyOf(expect);
    }

    /** A prompt without checks. */
    public PromptSpec(String id, String text, List<PromptMessage> messages, String system) {
        this(id, text, messages, system, List.of());
    }

    /** The same prompt with these checks. */
    public PromptSpec withExpect(List<CheckSpec> checks) {
        return new PromptSpec(id, text, messages, system, checks);
    }

    /** The messages to send, system prompt first. */
    public List<PromptMessage> toMessages() {
        List<PromptMessage> out = new ArrayList<>();
        if (system != null && !system.isBlank()) {
            out.add(new PromptMessage("system", system));
        }
        if (text != null) {
            out.add(new PromptMessage("user", text));
        }
        out.addAll(messages);
        return List.copyOf(out);
    }

    /** The canonical text stored in the prompts table (used for the text hash). */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder();
        for (PromptMessage m : toMessages()) {
            sb.append(m.role()).append(": ").append(m.content()).append('\n');
        }
        return sb.toString();
    }
}
