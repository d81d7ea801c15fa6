package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * One prompt: either a single user text or a full message list, with an optional system prompt.
 *
 * @param id        stable id (unique in a plan); results are compared across runs by it
 * @param text      the user text (the question, when {@code context} is given), or null when {@code messages} is
 *                  given
 * @param messages  explicit chat messages, or empty when {@code text} is given
 * @param system    optional system prompt, sent first
 * @param expect    the checks every measured answer to it gets ({@code expect:}), empty for none
 * @param context   documents the answer must be grounded in ({@code context:}, the workshop's "answer only from the
 *                  context" prompts), empty for none; the user message sent is built from them and {@code text}
 *                  ({@link #groundedQuestion}) and the judge scores the answer on {@link Criterion#GROUNDED} too
 * @param reference a reference answer the judge compares the answer with ({@code reference:}), or null
 * @param origin    where the prompt came from (a dataset, a synthetic distribution, a conversation's turn) and the
 *                  lengths it was made to have; {@link PromptOrigin#NONE} for a prompt the plan wrote. A conversation's
 *                  turn holds only its own user message in {@code text}: the history (earlier turns and the model's
 *                  own answers to them) is added when it is sent
 */
public record PromptSpec(String id, String text, List<PromptMessage> messages, String system, List<CheckSpec> expect,
                         List<String> context, String reference, PromptOrigin origin) {

    public PromptSpec {
        messages = messages == null ? List.of() : List.copyOf(messages);
        expect = expect == null ? List.of() : List.copyOf(expect);
        context = context == null ? List.of() : List.copyOf(context);
        origin = origin == null ? PromptOrigin.NONE : origin;
    }

    /** A prompt the plan wrote itself. */
    public PromptSpec(String id, String text, List<PromptMessage> messages, String system, List<CheckSpec> expect,
                      List<String> context, String reference) {
        this(id, text, messages, system, expect, context, reference, PromptOrigin.NONE);
    }

    /** A prompt without context or reference. */
    public PromptSpec(String id, String text, List<PromptMessage> messages, String system, List<CheckSpec> expect) {
        this(id, text, messages, system, expect, List.of(), null);
    }

    /** A prompt without checks. */
    public PromptSpec(String id, String text, List<PromptMessage> messages, String system) {
        this(id, text, messages, system, List.of());
    }

    /** The same prompt with these checks. */
    public PromptSpec withExpect(List<CheckSpec> checks) {
        return new PromptSpec(id, text, messages, system, checks, context, reference, origin);
    }

    /** The messages to send, system prompt first; with context, the user message is {@link #groundedQuestion}. */
    public List<PromptMessage> toMessages() {
        List<PromptMessage> out = new ArrayList<>();
        if (system != null && !system.isBlank()) {
            out.add(new PromptMessage("system", system));
        }
        if (text != null) {
            out.add(new PromptMessage("user", context.isEmpty() ? text : groundedQuestion(context, text)));
        }
        out.addAll(messages);
        return List.copyOf(out);
    }

    /**
     * The user message of a prompt with context: the documents numbered, then the question, with the instruction to
     * answer from them only.
     */
    public static String groundedQuestion(List<String> documents, String question) {
        StringBuilder sb = new StringBuilder("Answer the question using only the context below. If the context does "
                + "not contain the answer, say that it does not.\n\nContext:\n");
        for (int i = 0; i < documents.size(); i++) {
            sb.append('[').append(i + 1).append("] ").append(documents.get(i).strip()).append("\n\n");
        }
        return sb.append("Question: ").append(question).toString();
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
