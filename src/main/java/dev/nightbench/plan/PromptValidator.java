package dev.nightbench.plan;

import dev.nightbench.plan.IdValidator.Origin;
import dev.nightbench.plan.RawPlan.RawMessage;
import dev.nightbench.plan.RawPlan.RawPrompt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the plan's {@code prompts:} and the lines of its {@code prompts_file}: each prompt has a valid unique id and
 * either a text or a conversation of messages with known roles, nothing empty; a file's prompts get ids p01, p02...
 * A prompt with {@code turns:} is a conversation, one prompt per turn ({@link ConversationValidator}).
 */
final class PromptValidator {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final Source plan;
    private final Problems problems;
    private final IdValidator idChecks;

    private final CheckValidator checks;
    private final ConversationValidator conversations;

    PromptValidator(Source plan, Problems problems, IdValidator idChecks, CheckValidator checks) {
        this.conversations = new ConversationValidator(plan, problems, idChecks, checks);
        this.plan = plan;
        this.problems = problems;
        this.idChecks = idChecks;
        this.checks = checks;
    }

    List<PromptSpec> prompts(RawPlan raw, WorkshopFiles.Prompts filePrompts) {
        List<PromptSpec> out = new ArrayList<>();
        Map<String, Origin> ids = new LinkedHashMap<>();
        FieldPath at = FieldPath.of("prompts");
        if (raw.prompts() == null && raw.promptsFile() == null && raw.promptsFrom() == null
                && raw.synthetic() == null) {
            problems.add(plan, at, "required: list prompts, or name a prompts_file (or draw them: prompts_from)");
        }
        if (raw.prompts() != null && raw.prompts().isEmpty() && raw.promptsFile() == null) {
            problems.add(plan, at, "is empty; list at least one prompt");
        }
        if (raw.prompts() != null) {
            for (int i = 0; i < raw.prompts().size(); i++) {
                FieldPath pp = at.index(i);
                RawPrompt p = raw.prompts().get(i);
                if (p == null) {
                    problems.add(plan, pp, "empty entry; expected an id and a text (or messages)");
                    continue;
                }
                if (p.turns() != null) {
                    out.addAll(conversations.turns(pp, p, ids));
                    continue;
                }
                PromptSpec spec = prompt(pp, p, ids);
                if (spec != null) {
                    out.add(spec);
                }
            }
        }
        if (filePrompts != null) {
            List<String> texts = filePrompts.texts();
            int width = Math.max(2, String.valueOf(texts.size()).length());
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (text == null) {
                    continue;
                }
                FieldPath pp = FieldPath.of(i);
                String id = "p" + String.format("%0" + width + "d", i + 1);
                boolean ok = idChecks.id(filePrompts.source(), id, pp, "prompt id", ids);
                if (text.isBlank()) {
                    problems.add(filePrompts.source(), pp, "is an empty prompt");
                    ok = false;
                }
                List<CheckSpec> expect = checks.checks(filePrompts.source(), pp.child("expect"),
                        filePrompts.expects().get(i));
                List<String> context = context(filePrompts.source(), filePrompts.contexts().get(i), true,
                        pp.child("context"));
                String reference = reference(filePrompts.source(), filePrompts.references().get(i),
                        pp.child("reference"));
                if (ok && expect != null && context != null && !INVALID.equals(reference)) {
                    out.add(new PromptSpec(id, text, List.of(), null, expect, context, reference));
                }
            }
        }
        return out;
    }

    private PromptSpec prompt(FieldPath at, RawPrompt p, Map<String, Origin> ids) {
        boolean ok = idChecks.id(plan, p.id(), at.child("id"), "prompt id", ids);
        if (p.text() != null && p.messages() != null) {
            problems.add(plan, at.child("messages"), "give either text or messages, not both");
            return null;
        }
        if (p.text() == null && p.messages() == null) {
            problems.add(plan, at, "required: text (one user message) or messages (a conversation)");
            return null;
        }
        if (p.text() != null && p.text().isBlank()) {
            problems.add(plan, at.child("text"), "is empty");
            ok = false;
        }
        if (p.system() != null && p.system().isBlank()) {
            problems.add(plan, at.child("system"), "is empty; remove it or give a system prompt");
            ok = false;
        }
        List<PromptMessage> messages = new ArrayList<>();
        if (p.messages() != null) {
            if (p.messages().isEmpty()) {
                problems.add(plan, at.child("messages"), "is empty; list at least one message");
                ok = false;
            }
            for (int i = 0; i < p.messages().size(); i++) {
                FieldPath mp = at.child("messages").index(i);
                RawMessage m = p.messages().get(i);
                if (m == null) {
                    problems.add(plan, mp, "empty entry; expected role and content");
                    ok = false;
                    continue;
                }
                if (m.role() == null) {
                    problems.add(plan, mp.child("role"), "required: one of system, user, assistant");
                    ok = false;
                } else if (!ROLES.contains(m.role())) {
                    problems.add(plan, mp.child("role"), "unknown role '" + m.role()
                            + "'; allowed: system, user, assistant");
                    ok = false;
                }
                if (m.content() == null) {
                    problems.add(plan, mp.child("content"), "required: the message text");
                    ok = false;
                }
                messages.add(new PromptMessage(m.role(), m.content()));
            }
        }
        List<CheckSpec> expect = checks.checks(plan, at.child("expect"), p.expect());
        List<String> context = context(plan, p.context(), p.text() != null, at.child("context"));
        String reference = reference(plan, p.reference(), at.child("reference"));
        return ok && expect != null && context != null && !INVALID.equals(reference)
                ? new PromptSpec(p.id(), p.text(), messages, p.system(), expect, context, reference)
                : null;
    }

    /** What {@link #reference} returns after a problem (a reference is never this text: it is stripped). */
    private static final String INVALID = " invalid ";

    /** {@code reference:}: a non-empty text, stripped; null when none; {@link #INVALID} after a problem. */
    private String reference(Source src, Object raw, FieldPath at) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String text) || text.isBlank()) {
            problems.add(src, at, raw instanceof String ? "is empty; remove it or give the reference answer the judge"
                    + " compares answers with" : "expected the reference answer's text, got " + CheckValidator.describe(raw));
            return INVALID;
        }
        return text.strip();
    }

    /**
     * {@code context:}: one document or a list of them, none empty, on a prompt with a {@code text} (the question;
     * the message sent is built from both, {@link PromptSpec#groundedQuestion}).
     *
     * @return the documents (empty when none), or null after a problem
     */
    private List<String> context(Source src, Object rawContext, boolean hasText, FieldPath at) {
        if (rawContext == null) {
            return List.of();
        }
        if (!hasText) {
            problems.add(src, at, "needs the question in text (the message sent is built from the context and the"
                    + " text); a prompt with messages takes no context");
            return null;
        }
        List<?> raw = rawContext instanceof List<?> l ? l : java.util.Collections.singletonList(rawContext);
        if (raw.isEmpty()) {
            problems.add(src, at, "is empty; give one document or a list of them, or remove it");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Object doc = raw.get(i);
            FieldPath dp = rawContext instanceof List<?> ? at.index(i) : at;
            if (!(doc instanceof String text) || text.isBlank()) {
                problems.add(src, dp, "expected a document's text, got " + CheckValidator.describe(doc));
                return null;
            }
            out.add(text);
        }
        return out;
    }
}
