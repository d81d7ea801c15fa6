package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks the plan's {@code synthetic:} section (one source, or a list of them) and draws its prompts
 * ({@link SyntheticPrompts}):
 * <pre>{@code
 * synthetic:
 *   name: long-in              # the prompts are long-in:001, long-in:002, ...; default 'synthetic' for one source
 *   count: 20                  # 1..100000
 *   seed: 7                    # default 0
 *   input_tokens: {mean: 1000, stddev: 100}   # or {min: 800, max: 1200}, or 1000
 *   output_tokens: 100         # same shapes; sent as each prompt's max_tokens; default: the run's max_tokens
 *   tokenizer: estimate        # estimate (default), cl100k_base, o200k_base, or a model alias
 *   control: [ignore_eos]      # also sent: ignore_eos and/or min_tokens, only where the server accepts them
 * }</pre>
 * A model alias as tokenizer means that model's {@code tokenizer:} (an OpenAI encoding, offline), or else its
 * server's {@code /tokenize}: the run fits the prompts with it when it starts; {@code validate} and a plan read
 * without the servers fit them with the estimate.
 */
final class SyntheticValidator {

    static final Set<String> KEYS = Set.of("name", "count", "seed", "input_tokens", "output_tokens", "tokenizer",
            "control");
    static final int MAX_COUNT = 100_000;
    static final int MAX_TOKENS = 1_000_000;
    static final List<String> MODEL_TOKENIZERS = List.of(ModelSpec.SERVER_TOKENIZER, "cl100k_base", "o200k_base");

    private final Source plan;
    private final Problems problems;
    private final Function<ModelSpec, Tokenizer> serverTokenizers;

    /** @param serverTokenizers a model's server tokenizer, or null when the servers are not known (offline) */
    SyntheticValidator(Source plan, Problems problems, Function<ModelSpec, Tokenizer> serverTokenizers) {
        this.plan = plan;
        this.problems = problems;
        this.serverTokenizers = serverTokenizers;
    }

    /** A model's {@code tokenizer:} is one of {@link #MODEL_TOKENIZERS}; reported otherwise. */
    static boolean modelTokenizer(Source src, Problems problems, String value, FieldPath at) {
        if (value == null || MODEL_TOKENIZERS.contains(value.strip())) {
            return true;
        }
        problems.add(src, at, "unknown tokenizer '" + value + "'; expected one of " + String.join(", ", MODEL_TOKENIZERS)
                + " (server: the model's server's POST /tokenize, as llama.cpp has)");
        return false;
    }

    /** The tokenizer a model counts with: its own {@code tokenizer:}, else its server's when known; null for none. */
    static Tokenizer of(ModelSpec model, Function<ModelSpec, Tokenizer> serverTokenizers) {
        if (model.tokenizer() != null && !model.tokenizer().equals(ModelSpec.SERVER_TOKENIZER)) {
            return Tokenizer.encoding(model.tokenizer()).orElse(null);
        }
        return serverTokenizers == null ? null : serverTokenizers.apply(model);
    }

    /** Every source's prompts, appended to the plan's own, with the sources in {@link Workloads}. */
    Plan addTo(Plan built, List<SyntheticSpec> specs) {
        if (specs.isEmpty()) {
            return built;
        }
        List<PromptSpec> prompts = new ArrayList<>(built.prompts());
        List<Workloads.PromptSource> sources = new ArrayList<>(built.workloads().sources());
        for (SyntheticSpec spec : specs) {
            SyntheticPrompts.Drawn drawn = SyntheticPrompts.draw(spec, tokenizer(spec, built));
            prompts.addAll(drawn.prompts());
            sources.add(drawn.source());
        }
        return built.withPrompts(prompts, new Workloads(sources, built.workloads().sharedPrefix()));
    }

    private Tokenizer tokenizer(SyntheticSpec spec, Plan built) {
        if (spec.tokenizer().equals(SyntheticSpec.ESTIMATE)) {
            return Tokenizer.estimate();
        }
        Tokenizer encoding = Tokenizer.encoding(spec.tokenizer()).orElse(null);
        if (encoding != null) {
            return encoding;
        }
        Tokenizer model = of(built.model(spec.tokenizer()).orElseThrow(), serverTokenizers);
        return model == null ? Tokenizer.estimate() : model;
    }

    /** The sources as validated; empty when there are none or any has a problem (reported). */
    List<SyntheticSpec> specs(Object raw, List<ModelSpec> models, List<PromptSpec> planPrompts) {
        if (raw == null) {
            return List.of();
        }
        FieldPath at = FieldPath.of("synthetic");
        List<Object> entries = new ArrayList<>();
        boolean single = raw instanceof Map<?, ?>;
        if (single) {
            entries.add(raw);
        } else if (raw instanceof List<?> list && !list.isEmpty()) {
            entries.addAll(list);
        } else {
            problems.add(plan, at, "expected one source {name:, count:, input_tokens:, ...} or a list of them, got "
                    + CheckValidator.describe(raw));
            return List.of();
        }
        int before = problems.size();
        Set<String> names = new LinkedHashSet<>();
        List<SyntheticSpec> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            FieldPath sp = single ? at : at.index(i);
            SyntheticSpec spec = spec(entries.get(i), sp, single, models, names);
            if (spec == null) {
                continue;
            }
            for (PromptSpec p : planPrompts) {
                if (p.id().startsWith(spec.name() + ":")) {
                    problems.add(plan, sp.child("name"), "the plan's prompt '" + p.id() + "' has this source's id"
                            + " prefix; synthetic prompts are " + spec.name() + ":<n>, choose another name");
                    break;
                }
            }
            out.add(spec);
        }
        return problems.size() > before ? List.of() : out;
    }

    private SyntheticSpec spec(Object entry, FieldPath at, boolean single, List<ModelSpec> models, Set<String> names) {
        if (!(entry instanceof Map<?, ?> map)) {
            problems.add(plan, at, "expected a source {name:, count:, input_tokens:, ...}, got "
                    + CheckValidator.describe(entry));
            return null;
        }
        int before = problems.size();
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                problems.add(plan, at.child(String.valueOf(key)), "unknown key '" + key + "'; allowed: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String name = name(map.get("name"), at.child("name"), single, names);
        Integer count = whole(map.get("count"), at.child("count"), 1, MAX_COUNT, true);
        Long seed = 0L;
        if (map.get("seed") != null) {
            if (map.get("seed") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                seed = n.longValue();
            } else {
                problems.add(plan, at.child("seed"), "must be a whole number, got " + CheckValidator.describe(map.get("seed")));
            }
        }
        SyntheticSpec.Length input = length(map.get("input_tokens"), at.child("input_tokens"), true);
        SyntheticSpec.Length output = length(map.get("output_tokens"), at.child("output_tokens"), false);
        String tokenizer = tokenizer(map.get("tokenizer"), at.child("tokenizer"), models);
        Set<String> control = control(map.get("control"), at.child("control"), map.get("output_tokens") != null);
        if (problems.size() > before) {
            return null;
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String key : List.of("input_tokens", "output_tokens", "tokenizer", "control")) {
            if (map.get(key) != null) {
                settings.put(key, map.get(key));
            }
        }
        settings.putIfAbsent("tokenizer", tokenizer);
        return new SyntheticSpec(name, count, seed, input, output, tokenizer, control,
                Binding.JSON.writeValueAsString(settings));
    }

    private String name(Object value, FieldPath at, boolean single, Set<String> names) {
        if (value == null) {
            if (single) {
                return names.add("synthetic") ? "synthetic" : null;
            }
            problems.add(plan, at, "required: each of several synthetic sources needs a name (its prompts are <name>:<n>)");
            return null;
        }
        String name = String.valueOf(value).strip();
        if (!(value instanceof String) || !IdValidator.ID.matcher(name).matches() || name.contains(":")) {
            problems.add(plan, at, "must be a name of letters, digits, '.', '_' or '-' (up to 90 characters), got "
                    + CheckValidator.describe(value));
            return null;
        }
        if (name.length() > 90) {
            problems.add(plan, at, "is longer than 90 characters; the prompt ids <name>:<n> must fit in 100");
            return null;
        }
        if (!names.add(name)) {
            problems.add(plan, at, "'" + name + "' is the name of another synthetic source; names are unique");
            return null;
        }
        return name;
    }

    private Integer whole(Object value, FieldPath at, int min, int max, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(plan, at, "required: a whole number from " + min + " to " + max);
            }
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            problems.add(plan, at, "must be a whole number from " + min + " to " + max + ", got "
                    + CheckValidator.describe(value));
            return null;
        }
        return n.intValue();
    }

    private SyntheticSpec.Length length(Object value, FieldPath at, boolean required) {
        String shapes = "N tokens, {mean: N, stddev: N} or {min: N, max: N}";
        if (value == null) {
            if (required) {
                problems.add(plan, at, "required: " + shapes);
            }
            return null;
        }
        if (value instanceof Number) {
            Integer n = whole(value, at, 1, MAX_TOKENS, true);
            return n == null ? null : new SyntheticSpec.Length.Fixed(n);
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(plan, at, "expected " + shapes + ", got " + CheckValidator.describe(value));
            return null;
        }
        Set<String> keys = new LinkedHashSet<>();
        map.keySet().forEach(k -> keys.add(String.valueOf(k)));
        if (keys.equals(Set.of("mean", "stddev"))) {
            Double mean = number(map.get("mean"), at.child("mean"), 1);
            Double stddev = number(map.get("stddev"), at.child("stddev"), 0);
            return mean == null || stddev == null ? null : new SyntheticSpec.Length.Normal(mean, stddev);
        }
        if (keys.equals(Set.of("min", "max"))) {
            Integer min = whole(map.get("min"), at.child("min"), 1, MAX_TOKENS, true);
            Integer max = whole(map.get("max"), at.child("max"), 1, MAX_TOKENS, true);
            if (min != null && max != null && min > max) {
                problems.add(plan, at.child("max"), "must not be below min (" + min + "), got " + max);
                return null;
            }
            return min == null || max == null ? null : new SyntheticSpec.Length.Uniform(min, max);
        }
        problems.add(plan, at, "expected " + shapes + ", got the keys " + String.join(", ", keys));
        return null;
    }

    private Double number(Object value, FieldPath at, double min) {
        if (!(value instanceof Number n) || n.doubleValue() < min || n.doubleValue() > MAX_TOKENS) {
            problems.add(plan, at, "must be a number from " + (long) min + " to " + MAX_TOKENS + ", got "
                    + CheckValidator.describe(value));
            return null;
        }
        return n.doubleValue();
    }

    private String tokenizer(Object value, FieldPath at, List<ModelSpec> models) {
        if (value == null) {
            return SyntheticSpec.ESTIMATE;
        }
        String name = value instanceof String s ? s.strip() : null;
        if (name != null && (name.equals(SyntheticSpec.ESTIMATE) || Tokenizer.encoding(name).isPresent()
                || models.stream().anyMatch(m -> m.alias().equals(name)))) {
            return name;
        }
        problems.add(plan, at, "unknown tokenizer " + CheckValidator.describe(value) + "; expected estimate, "
                + "cl100k_base, o200k_base or a model alias (" + String.join(", ", models.stream().map(ModelSpec::alias)
                .toList()) + ")");
        return null;
    }

    private Set<String> control(Object value, FieldPath at, boolean hasOutput) {
        if (value == null) {
            return Set.of();
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Object c = list.get(i);
            if (!(c instanceof String s) || !SyntheticSpec.CONTROLS.contains(s.strip())) {
                problems.add(plan, value instanceof List<?> ? at.index(i) : at, "unknown control "
                        + CheckValidator.describe(c) + "; expected " + String.join(" and/or ", SyntheticSpec.CONTROLS)
                        + " (only where the server accepts them: OpenAI rejects both)");
                continue;
            }
            out.add(s.strip());
        }
        if (!out.isEmpty() && !hasOutput) {
            problems.add(plan, at, "needs output_tokens: the controls make the model write that many tokens");
        }
        return out;
    }
}
