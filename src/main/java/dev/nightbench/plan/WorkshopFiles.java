package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawFileModel;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the seed workshop's JSON files, which a plan may include: {@code models.json}, an object from
 * alias to details (key order kept), and {@code prompts.json}, an array of prompt strings.
 */
final class WorkshopFiles {

    static final String MODELS_EXPECTED = "expected a JSON object mapping each alias to its details,"
            + " e.g. {\"phi-4-mini\": {\"capabilities\": [\"chat\"], \"size_mb\": 3600}}";
    static final String PROMPTS_EXPECTED = "expected a JSON array of prompt strings, e.g. [\"Hello\", \"2+2?\"]";
    static final String PROMPT_ENTRY_WITH_CHECKS = "an entry with checks is an object {\"text\": \"...\", \"expect\":"
            + " [{\"contains\": \"...\"}]} (also \"context\" and \"reference\")";
    private static final List<String> ENTRY_KEYS = List.of("text", "expect", "context", "reference");

    record Models(Source source, Map<String, RawFileModel> byAlias) {
    }

    /**
     * @param texts   each entry's prompt text in file order, null where the entry is unusable
     * @param expects each entry's raw {@code expect} list (an object entry's), null where it has none
     * @param contexts each entry's raw {@code context} (a document or a list of them), null where it has none
     * @param references each entry's raw {@code reference} answer, null where it has none
     */
    record Prompts(Source source, List<String> texts, List<Object> expects, List<Object> contexts,
                   List<Object> references) {
    }

    private WorkshopFiles() {
    }

    /** @return the models, or null when the file is unusable (a problem then says why) */
    static Models models(Path file, String text, String includedBy, Problems problems) {
        LineIndex index = scan(file, text, includedBy, MODELS_EXPECTED, problems);
        if (index == null) {
            return null;
        }
        Source source = new Source(file, index);
        if (index.rootToken() != JsonToken.START_OBJECT) {
            problems.add(new PlanProblem(file, index.rootToken() == null ? null : 1, null,
                    (index.rootToken() == null ? "the file is empty; " : "") + MODELS_EXPECTED
                            + (index.rootToken() == null ? "" : ", got " + Syntax.describe(index.rootToken()))
                            + " (this file is " + includedBy + ")"));
            return null;
        }
        LinkedHashMap<String, RawFileModel> models = Binding.bind(Binding.JSON, text,
                new TypeReference<LinkedHashMap<String, RawFileModel>>() { }, source, problems);
        if (models == null) {
            return null;
        }
        if (models.isEmpty()) {
            problems.add(new PlanProblem(file, 1, null, "no models in the file; " + MODELS_EXPECTED));
            return null;
        }
        return new Models(source, models);
    }

    /** @return the prompt texts in file order (null where an entry is unusable), or null when the file is */
    static Prompts prompts(Path file, String text, String includedBy, Problems problems) {
        LineIndex index = scan(file, text, includedBy, PROMPTS_EXPECTED, problems);
        if (index == null) {
            return null;
        }
        Source source = new Source(file, index);
        if (index.rootToken() != JsonToken.START_ARRAY) {
            problems.add(new PlanProblem(file, index.rootToken() == null ? null : 1, null,
                    (index.rootToken() == null ? "the file is empty; " : "") + PROMPTS_EXPECTED
                            + (index.rootToken() == null ? "" : ", got " + Syntax.describe(index.rootToken()))
                            + " (this file is " + includedBy + ")"));
            return null;
        }
        List<?> entries = Binding.JSON.readValue(text, List.class);
        if (entries.isEmpty()) {
            problems.add(new PlanProblem(file, 1, null, "no prompts in the file; " + PROMPTS_EXPECTED));
            return null;
        }
        List<String> texts = new ArrayList<>();
        List<Object> expects = new ArrayList<>();
        List<Object> contexts = new ArrayList<>();
        List<Object> references = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            expects.add(null);
            contexts.add(null);
            references.add(null);
            if (entry instanceof String s) {
                texts.add(s);
            } else if (entry instanceof Map<?, ?> m && m.get("text") instanceof String s) {
                // an entry with checks: {"text": "...", "expect": [...], "context": ..., "reference": "..."}
                texts.add(s);
                expects.set(i, m.get("expect"));
                contexts.set(i, m.get("context"));
                references.set(i, m.get("reference"));
                for (Object key : m.keySet()) {
                    if (!ENTRY_KEYS.contains(key)) {
                        problems.add(source, FieldPath.of(i, String.valueOf(key)),
                                Binding.unknownKeyMessage(String.valueOf(key), ENTRY_KEYS));
                        texts.set(i, null);
                    }
                }
            } else {
                problems.add(source, FieldPath.of(i), "expected a prompt string, got " + describe(entry) + "; "
                        + PROMPT_ENTRY_WITH_CHECKS);
                texts.add(null);
            }
        }
        return new Prompts(source, texts, expects, contexts, references);
    }

    /** A file that is not JSON at all: the syntax error, which plan field includes the file, and what it should hold. */
    private static LineIndex scan(Path file, String text, String includedBy, String expected, Problems problems) {
        try {
            return LineIndex.scan(Binding.JSON, text);
        } catch (JacksonException e) {
            PlanProblem syntax = Syntax.problem(file, "JSON", e);
            problems.add(new PlanProblem(file, syntax.line(), null, syntax.message() + "; this file is " + includedBy
                    + " and must be JSON: " + expected));
            return null;
        }
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case Number n -> "a number (" + n + ")";
            case Boolean b -> b.toString();
            default -> value.getClass().getSimpleName();
        };
    }
}
