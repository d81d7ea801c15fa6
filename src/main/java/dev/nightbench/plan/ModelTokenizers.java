package dev.nightbench.plan;

import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which models of a plan have a known tokenizer, and what a {@code synthetic:} source asked for, read back from the
 * plan as built: a model's own {@code tokenizer:}, or the model a synthetic source named as its {@code tokenizer:}
 * (whose server's {@code /tokenize} then counts for it). The run counts answers without usage with these
 * ({@code tokens_source = 'tokenizer'}).
 */
public final class ModelTokenizers {

    private ModelTokenizers() {
    }

    /**
     * @param server a model's server tokenizer ({@code POST /tokenize} of its endpoint)
     * @return the real tokenizers by model alias; models without one are absent
     */
    public static Map<String, Tokenizer> of(Plan plan, Function<ModelSpec, Tokenizer> server) {
        Set<String> namedBySources = new LinkedHashSet<>();
        for (Workloads.PromptSource s : plan.workloads().sources()) {
            String t = setting(s, "tokenizer");
            if (t != null) {
                namedBySources.add(t);
            }
        }
        Map<String, Tokenizer> out = new LinkedHashMap<>();
        for (ModelSpec m : plan.models()) {
            if (m.tokenizer() != null || namedBySources.contains(m.alias())) {
                Tokenizer t = SyntheticValidator.of(m, server);
                if (t != null) {
                    out.put(m.alias(), t);
                }
            }
        }
        return out;
    }

    /** The source's {@code control:} (ignore_eos, min_tokens); empty for none or not a synthetic source. */
    public static Set<String> control(Workloads.PromptSource source) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode c = settings(source).path("control");
        if (c.isString()) {
            out.add(c.asString());
        }
        c.forEach(n -> out.add(n.asString()));
        return out;
    }

    /** The source's {@code tokenizer:} as written (estimate, an encoding or a model alias); null when not synthetic. */
    public static String tokenizer(Workloads.PromptSource source) {
        return setting(source, "tokenizer");
    }

    private static String setting(Workloads.PromptSource source, String key) {
        JsonNode n = settings(source).path(key);
        return n.isString() ? n.asString() : null;
    }

    private static JsonNode settings(Workloads.PromptSource source) {
        if (!"synthetic".equals(source.kind()) || source.settings() == null) {
            return Binding.JSON.missingNode();
        }
        try {
            return Binding.JSON.readTree(source.settings());
        } catch (RuntimeException e) {
            return Binding.JSON.missingNode();
        }
    }
}
