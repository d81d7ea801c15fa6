package dev.nightbench.plan;

import dev.nightbench.plan.LoadedPlan.IncludedFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan's {@code shared_prefix:}: one long system text sent first with every prompt, so that a server's prefix
 * cache (vLLM's automatic prefix caching, llama.cpp's {@code cache_prompt}, OpenAI's prompt caching) can serve it,
 * and the report can set the cached requests' time to first token beside the uncached ones'.
 *
 * <pre>{@code
 * shared_prefix: {text: "You are the support assistant of ..."}
 * shared_prefix: {file: prompts/handbook.txt}   # relative to the plan; part of the plan's hash
 * }</pre>
 *
 * <p>Applied at load, after every prompt source was drawn: the prefix becomes the start of each prompt's system
 * message (the prompt's own system text follows after a blank line; a prompt given as {@code messages} that starts
 * with a system message gets it there), so the stored canonical text and its hash include it.
 */
final class SharedPrefix {

    static final String KEY = "shared_prefix";
    /** Longest prefix accepted, in characters: it is sent with every request. */
    static final int MAX_CHARS = 1 << 20;

    /** The prefix's text, and the file it came from (null for {@code text:}). */
    record Loaded(String text, IncludedFile file) {
    }

    private SharedPrefix() {
    }

    /** Checks {@code raw}; null when the plan has none or it is invalid (then with its problems added). */
    static Loaded read(Source plan, Object raw, Problems problems) {
        if (raw == null) {
            return null;
        }
        FieldPath at = FieldPath.of(KEY);
        if (!(raw instanceof Map<?, ?> map)) {
            problems.add(plan, at, "expected a mapping with 'text' (the prefix itself) or 'file' (a text file "
                    + "relative to the plan), got " + CheckValidator.describe(raw));
            return null;
        }
        for (Object key : map.keySet()) {
            if (!"text".equals(key) && !"file".equals(key)) {
                problems.add(plan, at.child(String.valueOf(key)), "unknown key; allowed: text, file");
                return null;
            }
        }
        Object text = map.get("text");
        Object file = map.get("file");
        if ((text == null) == (file == null)) {
            problems.add(plan, at, "give exactly one of 'text' and 'file'");
            return null;
        }
        if (text != null) {
            String s = nonBlank(plan, at.child("text"), text, problems);
            return s == null ? null : checked(plan, at.child("text"), new Loaded(s, null), problems);
        }
        FieldPath fileAt = at.child("file");
        String name = nonBlank(plan, fileAt, file, problems);
        if (name == null) {
            return null;
        }
        Path dir = plan.file().getParent();
        Path path = (dir == null ? Path.of(name.strip()) : dir.resolve(name.strip())).normalize();
        String[] error = new String[1];
        String content = PlanLoader.read(path, message -> error[0] = message);
        if (content == null) {
            problems.add(plan, fileAt, "cannot read '" + name + "' (" + path.toAbsolutePath() + "): " + error[0]);
            return null;
        }
        if (content.isBlank()) {
            problems.add(plan, fileAt, "'" + name + "' is empty; the shared prefix needs text");
            return null;
        }
        return checked(plan, fileAt, new Loaded(content.strip(), new IncludedFile(KEY, path, content)), problems);
    }

    /** {@code plan} with the prefix at the start of every prompt's system message. */
    static Plan apply(Plan plan, String prefix) {
        List<PromptSpec> prompts = new ArrayList<>();
        for (PromptSpec p : plan.prompts()) {
            prompts.add(prefixed(p, prefix));
        }
        return plan.withPrompts(prompts, new Workloads(plan.workloads().sources(), prefix));
    }

    static PromptSpec prefixed(PromptSpec p, String prefix) {
        List<PromptMessage> messages = p.messages();
        String system = p.system();
        boolean hasSystem = system != null && !system.isBlank();
        if (!hasSystem && p.text() == null && !messages.isEmpty() && messages.getFirst().role().equals("system")) {
            List<PromptMessage> changed = new ArrayList<>(messages);
            changed.set(0, new PromptMessage("system", join(prefix, messages.getFirst().content())));
            messages = changed;
        } else {
            system = hasSystem ? join(prefix, system) : prefix;
        }
        return new PromptSpec(p.id(), p.text(), messages, system, p.expect(), p.context(), p.reference(), p.origin());
    }

    private static String join(String prefix, String own) {
        return own == null || own.isBlank() ? prefix : prefix + "\n\n" + own;
    }

    private static String nonBlank(Source plan, FieldPath at, Object value, Problems problems) {
        if (!(value instanceof String s)) {
            problems.add(plan, at, "expected text, got " + CheckValidator.describe(value));
            return null;
        }
        if (s.isBlank()) {
            problems.add(plan, at, "is empty; give the prefix's text (or remove shared_prefix)");
            return null;
        }
        return s;
    }

    private static Loaded checked(Source plan, FieldPath at, Loaded loaded, Problems problems) {
        if (loaded.text().length() > MAX_CHARS) {
            problems.add(plan, at, "is " + loaded.text().length() + " characters long; at most " + MAX_CHARS
                    + " are sent with every request");
            return null;
        }
        return loaded;
    }
}
