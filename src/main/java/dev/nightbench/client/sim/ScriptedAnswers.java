package dev.nightbench.client.sim;

import dev.nightbench.client.ChatMessage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated model that says given texts to given prompts, with the timing (and the failures) of another simulated
 * model: for a prompt it has answers for, the n-th request (0-based, warm-up included) gets text n mod size, sent a
 * word per token with the delays the other model would have used; any other prompt, or a request the other model
 * fails, is answered as the other model answers it. So a plan can check answers against a model that is right,
 * wrong, or right only some of the time.
 */
final class ScriptedAnswers implements SimModel {

    private final SimModel timing;
    private final Map<String, List<String>> answers;
    private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    /** @param answers texts by the messages they answer, keyed by {@link #key(List)} */
    ScriptedAnswers(SimModel timing, Map<String, List<String>> answers) {
        this.timing = timing;
        this.answers = Map.copyOf(answers);
    }

    /** The key of a conversation: the same text as {@link SimRequest#promptText()}. */
    static String key(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append(':').append(m.content()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public Script respond(SimRequest request) {
        Script base = timing.respond(request);
        List<String> texts = answers.get(request.promptText());
        if (texts == null) {
            return base;
        }
        int turn = turns.computeIfAbsent(request.promptText(), k -> new AtomicInteger()).getAndIncrement();
        return say(base, request, texts.get(turn % texts.size()));
    }

    /**
     * {@code text} a word per token with the delays of {@code base}, or {@code base} itself when it fails the
     * request (the timing model fails it: so does the scripted one).
     */
    static Script say(Script base, SimRequest request, String text) {
        if (base.kind() != Script.Kind.STREAM || base.ending() != Script.Ending.DONE) {
            return base;
        }
        List<Long> delays = base.steps().stream().filter(s -> s.type() == Script.StepType.CONTENT)
                .map(Script.Step::delayNanos).toList();
        String[] words = text.split("(?<=\\s)(?=\\S)");   // words with their trailing whitespace
        Script.StreamBuilder stream = Script.stream().role();
        for (int i = 0; i < words.length; i++) {
            long nanos = delays.isEmpty() ? 0 : delays.get(Math.min(i, delays.size() - 1));
            stream.delay(java.time.Duration.ofNanos(nanos)).content(words[i]);
        }
        stream.finish("stop");
        if (request.includeUsage() || !request.stream()) {
            stream.usage(request.promptWords(), words.length);
        }
        return stream.done();
    }
}
