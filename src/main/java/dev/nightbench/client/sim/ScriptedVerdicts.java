package dev.nightbench.client.sim;

import dev.nightbench.client.ChatMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated judge: says a scripted verdict about the answer it is asked to judge, with the timing (and failures)
 * of another simulated model. The judged answer is the text between the last {@value #OPEN} and the {@value #CLOSE}
 * after it in the last user message (the judge conversation Nightbench sends marks the answer so); its verdicts are
 * looked up by that text, stripped, then under {@value #ANY} for any other answer; the n-th time the same answer is
 * judged it gets verdict n mod size, so a script can make the judge answer unparseably now and then. A request
 * without a marked answer, or with no verdict for it, is answered as the timing model answers it.
 */
final class ScriptedVerdicts implements SimModel {

    static final String OPEN = "<answer>\n";
    static final String CLOSE = "\n</answer>";
    static final String ANY = "*";

    private final SimModel timing;
    private final Map<String, List<String>> verdicts;
    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    /** @param verdicts verdict texts by the judged answer's text (stripped), {@value #ANY} for any other */
    ScriptedVerdicts(SimModel timing, Map<String, List<String>> verdicts) {
        this.timing = timing;
        Map<String, List<String>> byAnswer = new java.util.HashMap<>();
        verdicts.forEach((answer, texts) -> {
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("no verdicts for answer '" + answer + "'");
            }
            byAnswer.put(answer.equals(ANY) ? ANY : answer.strip(), List.copyOf(texts));
        });
        this.verdicts = Map.copyOf(byAnswer);
    }

    /** The judged answer marked in the conversation's last user message, stripped; null when none is marked. */
    static String judgedAnswer(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (!"user".equals(m.role()) || m.content() == null) {
                continue;
            }
            int open = m.content().lastIndexOf(OPEN);
            int close = open < 0 ? -1 : m.content().indexOf(CLOSE, open + OPEN.length());
            return close < 0 ? null : m.content().substring(open + OPEN.length(), close).strip();
        }
        return null;
    }

    @Override
    public Script respond(SimRequest request) {
        Script base = timing.respond(request);
        String answer = judgedAnswer(request.messages());
        if (answer == null) {
            return base;
        }
        String key = verdicts.containsKey(answer) ? answer : ANY;
        List<String> texts = verdicts.get(key);
        if (texts == null) {
            return base;
        }
        int turn = turns.computeIfAbsent(answer, k -> new AtomicInteger()).getAndIncrement();
        return ScriptedAnswers.say(base, request, texts.get(turn % texts.size()));
    }
}
