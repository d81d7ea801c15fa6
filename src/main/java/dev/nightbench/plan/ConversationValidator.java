package dev.nightbench.plan;

import dev.nightbench.plan.IdValidator.Origin;
import dev.nightbench.plan.RawPlan.RawPrompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands a plan prompt with {@code turns:} (a conversation, issue 14) into one prompt per turn: ids
 * {@code <id>.t1}, {@code <id>.t2}..., each holding only that turn's user message, with
 * {@link PromptOrigin}(null, id, k). The history (earlier turns and the model's own answers to them) is added when a
 * turn is sent, so a turn's prompt never holds it. A turn is a text, or a mapping {@code {text, expect}} whose checks
 * apply to that turn's answers. The conversation's {@code system} is every turn's; {@code text}, {@code messages},
 * {@code context}, {@code reference} and {@code expect} belong on single prompts (or, for {@code expect}, on a turn).
 */
final class ConversationValidator {

    private static final Set<String> TURN_KEYS = Set.of("text", "expect");
    private static final String TURN_SHAPE = "a turn's user message: a text, or {text: ..., expect: [...]}";

    private final Source plan;
    private final Problems problems;
    private final IdValidator idChecks;
    private final CheckValidator checks;

    ConversationValidator(Source plan, Problems problems, IdValidator idChecks, CheckValidator checks) {
        this.plan = plan;
        this.problems = problems;
        this.idChecks = idChecks;
        this.checks = checks;
    }

    /** The turns of the conversation at {@code at}, or an empty list after a problem (each reported). */
    List<PromptSpec> turns(FieldPath at, RawPrompt p, Map<String, Origin> ids) {
        boolean ok = true;
        if (p.id() == null) {
            problems.add(plan, at.child("id"), "required: the conversation's id (its turns get <id>.t1, <id>.t2...)");
            ok = false;
        } else if (!IdValidator.ID.matcher(p.id()).matches()) {
            problems.add(plan, at.child("id"), "conversation id '" + p.id() + "' is not allowed: use 1 to 96 letters,"
                    + " digits, '.', '_', ':' or '-', starting with a letter or digit");
            ok = false;
        }
        ok &= notWith(at, "text", p.text() != null, "the turns' texts are the user messages");
        ok &= notWith(at, "messages", p.messages() != null, "the history is built from the turns and the answers");
        ok &= notWith(at, "context", p.context() != null, "give context to single prompts only");
        ok &= notWith(at, "reference", p.reference() != null, "give reference to single prompts only");
        ok &= notWith(at, "expect", p.expect() != null, "put expect on a turn: {text: ..., expect: [...]}");
        if (p.system() != null && p.system().isBlank()) {
            problems.add(plan, at.child("system"), "is empty; remove it or give a system prompt");
            ok = false;
        }
        FieldPath tp = at.child("turns");
        if (!(p.turns() instanceof List<?> entries)) {
            problems.add(plan, tp, "expected a list of turns (" + TURN_SHAPE + "), got "
                    + CheckValidator.describe(p.turns()));
            return List.of();
        }
        if (entries.isEmpty()) {
            problems.add(plan, tp, "is empty; list the user message of each turn");
            return List.of();
        }
        List<PromptSpec> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            PromptSpec turn = turn(tp.index(i), p, i + 1, entries.get(i), ids, ok);
            ok &= turn != null;
            out.add(turn);
        }
        return ok ? List.copyOf(out) : List.of();
    }

    private boolean notWith(FieldPath at, String key, boolean present, String why) {
        if (present) {
            problems.add(plan, at.child(key), "a conversation (turns) cannot have " + key + ": " + why);
        }
        return !present;
    }

    /** Turn {@code k}, or null after a problem; with a bad conversation id the turn is checked but not named. */
    private PromptSpec turn(FieldPath at, RawPrompt p, int k, Object raw, Map<String, Origin> ids, boolean idOk) {
        String text;
        List<CheckSpec> expect = List.of();
        if (raw instanceof String s) {
            text = s;
        } else if (raw instanceof Map<?, ?> m) {
            for (Object key : m.keySet()) {
                if (!TURN_KEYS.contains(String.valueOf(key))) {
                    problems.add(plan, at.child(String.valueOf(key)), "unknown key '" + key + "' in a turn; allowed: "
                            + "text, expect");
                    return null;
                }
            }
            if (!(m.get("text") instanceof String s)) {
                problems.add(plan, at.child("text"), m.get("text") == null ? "required: the turn's user message"
                        : "expected the turn's user message as text, got " + CheckValidator.describe(m.get("text")));
                return null;
            }
            text = s;
            expect = checks.checks(plan, at.child("expect"), m.get("expect"));
            if (expect == null) {
                return null;
            }
        } else {
            problems.add(plan, at, "expected " + TURN_SHAPE + ", got " + CheckValidator.describe(raw));
            return null;
        }
        if (text.isBlank()) {
            problems.add(plan, raw instanceof String ? at : at.child("text"), "is an empty user message");
            return null;
        }
        if (!idOk) {
            return null;
        }
        String id = turnId(p.id(), k);
        if (!idChecks.id(plan, id, at, "prompt id", ids)) {
            return null;
        }
        return new PromptSpec(id, text, List.of(), p.system(), expect, List.of(), null,
                new PromptOrigin(null, p.id(), k, null, null, null, null));
    }

    /** {@code support.t2}: the id of a conversation's turn k. */
    static String turnId(String conversation, int k) {
        return conversation + ".t" + k;
    }
}
