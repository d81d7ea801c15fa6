package dev.nightbench.plan;

import dev.nightbench.plan.RawPlan.RawLoad;
import dev.nightbench.plan.RawPlan.RawModel;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the plan's {@code prompts_from:} (untyped in {@link RawPlan}, so every wrong shape is reported with its line)
 * and draws each dataset's prompts ({@link DatasetDraw}); then checks that every {@code load: {prompts_from: ...}}
 * names one of the plan's sources. Problems of the entries name the plan file's line and field; problems of a record
 * name the dataset file and the record's line.
 */
final class DatasetValidator {

    static final long DEFAULT_SEED = 42;
    /** A source name: the prefix of its prompts' ids, so no ':' in it. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,49}");
    private static final List<String> KEYS = List.of("name", "path", "format", "text", "id", "system", "expected",
            "context", "sample", "seed", "turns", "use");

    private final Source plan;
    private final Problems problems;
    /** Every well-formed source name given, its entry valid or not: a load naming one is not reported again. */
    private final Set<String> given = new LinkedHashSet<>();

    DatasetValidator(Source plan, Problems problems) {
        this.plan = plan;
        this.problems = problems;
    }

    /** The datasets' prompts and sources, to add to the plan once it is valid. */
    record Drawn(List<PromptSpec> prompts, List<Workloads.PromptSource> sources) {

        static final Drawn NONE = new Drawn(List.of(), List.of());

        /** The plan with these prompts after its own and these sources after any already drawn. */
        Plan addTo(Plan p) {
            if (sources.isEmpty()) {
                return p;
            }
            List<PromptSpec> all = new ArrayList<>(p.prompts());
            all.addAll(prompts);
            List<Workloads.PromptSource> allSources = new ArrayList<>(p.workloads().sources());
            allSources.addAll(sources);
            return p.withPrompts(all, new Workloads(allSources, p.workloads().sharedPrefix()));
        }
    }

    /**
     * @param validated the plan as validated so far (its own prompts, sources drawn before), or null when it had
     *                  problems: the datasets are still checked, so that one pass reports everything
     */
    Drawn draw(RawPlan raw, Plan validated) {
        List<DatasetSpec> specs = specs(raw);
        List<PromptSpec> prompts = new ArrayList<>();
        List<Workloads.PromptSource> sources = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        if (validated != null) {
            validated.prompts().forEach(p -> ids.put(p.id(), "a prompt of the plan"));
        }
        for (DatasetSpec spec : specs) {
            DatasetDraw.Result r = DatasetDraw.draw(spec, plan, problems);
            if (r == null) {
                continue;
            }
            for (PromptSpec p : r.prompts()) {
                String other = ids.putIfAbsent(p.id(), "source '" + spec.name() + "'");
                if (other != null) {
                    problems.add(plan, at(spec.index()).child("name"), "draws prompt id '" + p.id() + "', which is "
                            + "also " + other + "; rename the source or the prompt");
                    break;
                }
            }
            prompts.addAll(r.prompts());
            sources.add(r.source());
        }
        Set<String> names = new LinkedHashSet<>();
        if (validated != null) {
            validated.workloads().sources().forEach(s -> names.add(s.name()));
        }
        names.addAll(given);
        syntheticNames(raw.synthetic(), names);
        loadSources(raw, names);
        scriptedAnswers(raw, specs, prompts);
        return new Drawn(prompts, sources);
    }

    /** True when {@code promptId} is {@code <name>:...} of a {@code prompts_from:} entry: it exists once drawn. */
    static boolean drawnLater(RawPlan raw, String promptId) {
        int colon = promptId.indexOf(':');
        return colon > 0 && raw.promptsFrom() instanceof List<?> entries && entries.stream().anyMatch(
                e -> e instanceof Map<?, ?> m && promptId.substring(0, colon).equals(m.get("name")));
    }

    /** A simulated endpoint's scripted answers for a dataset's prompts name prompts the dataset drew. */
    private void scriptedAnswers(RawPlan raw, List<DatasetSpec> specs, List<PromptSpec> drawn) {
        Set<String> ids = new java.util.HashSet<>();
        drawn.forEach(p -> ids.add(p.id()));
        for (int i = 0; raw.endpoints() != null && i < raw.endpoints().size(); i++) {
            if (raw.endpoints().get(i) == null || !(raw.endpoints().get(i).answers() instanceof Map<?, ?> byModel)) {
                continue;
            }
            for (Map.Entry<?, ?> model : byModel.entrySet()) {
                if (!(model.getValue() instanceof Map<?, ?> byPrompt)) {
                    continue;
                }
                for (Object key : byPrompt.keySet()) {
                    String id = String.valueOf(key);
                    id = id.endsWith(PipelineSpec.REFINE_SUFFIX)
                            ? id.substring(0, id.length() - PipelineSpec.REFINE_SUFFIX.length()) : id;
                    String name = id.indexOf(':') > 0 ? id.substring(0, id.indexOf(':')) : "";
                    DatasetSpec spec = specs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
                    if (spec != null && drawnLater(raw, id) && !ids.contains(id)
                            && drawn.stream().anyMatch(p -> name.equals(p.origin().source()))) {
                        problems.add(plan, FieldPath.of("endpoints", i, "answers", String.valueOf(model.getKey()),
                                String.valueOf(key)), "source '" + name + "' drew no prompt '" + id + "'"
                                + (spec.sample() == null ? "" : " (sample: " + spec.sample() + ", seed: " + spec.seed()
                                + ")"));
                    }
                }
            }
        }
    }

    /**
     * The names a {@code synthetic:} section gives its sources (a mapping or a list of them, each with a {@code name}),
     * checked by its own validator: a load may draw from one whether or not it was drawn before the datasets.
     */
    private static void syntheticNames(Object synthetic, Set<String> names) {
        for (Object s : synthetic instanceof List<?> list ? list : java.util.Collections.singletonList(synthetic)) {
            if (s instanceof Map<?, ?> m && m.get("name") instanceof String name && !name.isBlank()) {
                names.add(name.strip());
            }
        }
    }

    /** Every {@code load: {prompts_from: ...}} of the plan and of its models names a source. */
    private void loadSources(RawPlan raw, Set<String> names) {
        loadSource(raw.load(), FieldPath.of("load", "prompts_from"), names);
        for (int i = 0; raw.models() != null && i < raw.models().size(); i++) {
            RawModel m = raw.models().get(i);
            if (m != null) {
                loadSource(m.load(), FieldPath.of("models", i, "load", "prompts_from"), names);
            }
        }
    }

    private void loadSource(RawLoad load, FieldPath at, Set<String> names) {
        if (load == null || load.promptsFrom() == null) {
            return;
        }
        String name = load.promptsFrom().strip();
        if (name.isEmpty()) {
            problems.add(plan, at, "is empty; name a prompts_from: source, or remove the key to cycle every prompt");
        } else if (!names.contains(name)) {
            problems.add(plan, at, "no prompt source named '" + load.promptsFrom() + "'; " + (names.isEmpty()
                    ? "the plan draws no prompts from a source (prompts_from:)" : "sources: " + String.join(", ", names)));
        }
    }

    // ---------------------------------------------------------------- the entries

    private static FieldPath at(int i) {
        return FieldPath.of("prompts_from", i);
    }

    List<DatasetSpec> specs(RawPlan raw) {
        Object given = raw.promptsFrom();
        List<DatasetSpec> out = new ArrayList<>();
        if (given == null) {
            if (plan.has(FieldPath.of("prompts_from"))) {
                problems.add(plan, FieldPath.of("prompts_from"), "is empty; list the datasets, or remove the key");
            }
            return out;
        }
        if (!(given instanceof List<?> list)) {
            problems.add(plan, FieldPath.of("prompts_from"), "expected a list of datasets, each {name, path, format,"
                    + " text, ...} (see jobs/README.md), got " + describe(given));
            return out;
        }
        long seed = raw.run() != null && raw.run().seed() != null ? raw.run().seed() : DEFAULT_SEED;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                problems.add(plan, at(i), "expected a dataset {name, path, format, text, ...}, got "
                        + describe(list.get(i)));
                continue;
            }
            DatasetSpec spec = spec(i, entry, seed, names);
            if (spec != null) {
                out.add(spec);
            }
        }
        return out;
    }

    private DatasetSpec spec(int i, Map<?, ?> e, long runSeed, Set<String> names) {
        FieldPath at = at(i);
        int before = problems.size();
        for (Object key : e.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                problems.add(plan, at.child(String.valueOf(key)), "unknown key; allowed: " + String.join(", ", KEYS));
            }
        }
        String name = text(e, "name", at, true);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add(plan, at.child("name"), "'" + name + "' is not a source name: letters, digits, '.', '_' and '-'"
                    + ", starting with a letter or digit, at most 50 characters (it prefixes its prompts' ids)");
        } else if (name != null && !names.add(name)) {
            problems.add(plan, at.child("name"), "duplicate source name '" + name + "'");
        } else if (name != null) {
            given.add(name);
        }
        String path = text(e, "path", at, true);
        DatasetSpec.Format format = format(e, path, at);
        String text = text(e, "text", at, false);
        String id = text(e, "id", at, false);
        String system = text(e, "system", at, false);
        String expected = text(e, "expected", at, false);
        String context = text(e, "context", at, false);
        if (format == DatasetSpec.Format.SHAREGPT) {
            for (String key : List.of("text", "system", "expected", "context")) {
                if (e.get(key) != null) {
                    problems.add(plan, at.child(key), "not used with format sharegpt: the prompt is a human turn of"
                            + " 'conversations' and the system prompt its 'system' entry; remove it");
                }
            }
        } else if (format != null && text == null && e.get("text") == null) {
            problems.add(plan, at.child("text"), "required: the " + (format == DatasetSpec.Format.CSV
                    ? "column" : "field (a dotted path, e.g. question or data.prompt)") + " that holds the prompt text");
        }
        Integer sample = null;
        if (e.get("sample") != null) {
            Long n = whole(e.get("sample"), at.child("sample"));
            if (n != null && (n < 1 || n > 1_000_000)) {
                problems.add(plan, at.child("sample"), "must be between 1 and 1000000 records, got " + n);
            } else if (n != null) {
                sample = n.intValue();
            }
        }
        long seed = runSeed;
        if (e.get("seed") != null) {
            Long s = whole(e.get("seed"), at.child("seed"));
            seed = s == null ? seed : s;
        }
        boolean allTurns = choice(e, "turns", at, List.of("first", "all"), "first").equals("all");
        if (allTurns && format != null && format != DatasetSpec.Format.SHAREGPT) {
            problems.add(plan, at.child("turns"), "only for format sharegpt (a record of " + format.key()
                    + " is one prompt)");
        }
        boolean loadOnly = choice(e, "use", at, List.of("both", "load"), "both").equals("load");
        if (problems.size() > before || name == null || path == null || format == null) {
            return null;
        }
        Path dir = plan.file() == null ? null : plan.file().getParent();
        Path file = (dir == null ? Path.of(path) : dir.resolve(path)).normalize();
        return new DatasetSpec(i, name, path, file, format, text, id, system, expected, context, sample, seed, allTurns,
                loadOnly);
    }

    private DatasetSpec.Format format(Map<?, ?> e, String path, FieldPath at) {
        String given = text(e, "format", at, false);
        if (given == null) {
            String lower = path == null ? "" : path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".jsonl")) {
                return DatasetSpec.Format.JSONL;
            } else if (lower.endsWith(".csv")) {
                return DatasetSpec.Format.CSV;
            }
            if (path != null && e.get("format") == null) {
                problems.add(plan, at.child("format"), "required (the file name does not end in .jsonl or .csv):"
                        + " jsonl, sharegpt or csv");
            }
            return null;
        }
        for (DatasetSpec.Format f : DatasetSpec.Format.values()) {
            if (f.key().equals(given.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        problems.add(plan, at.child("format"), "unknown format '" + given + "'; allowed: jsonl, sharegpt, csv");
        return null;
    }

    private String choice(Map<?, ?> e, String key, FieldPath at, List<String> allowed, String otherwise) {
        String given = text(e, key, at, false);
        if (given == null) {
            return otherwise;
        }
        if (!allowed.contains(given.toLowerCase(Locale.ROOT))) {
            problems.add(plan, at.child(key), "unknown value '" + given + "'; allowed: " + String.join(", ", allowed));
            return otherwise;
        }
        return given.toLowerCase(Locale.ROOT);
    }

    /** A non-blank text value, stripped; null (after a problem when it was wrong or required) otherwise. */
    private String text(Map<?, ?> e, String key, FieldPath at, boolean required) {
        Object v = e.get(key);
        if (v == null) {
            if (required) {
                problems.add(plan, e.containsKey(key) ? at.child(key) : at, "required: " + key);
            }
            return null;
        }
        if (!(v instanceof String s)) {
            problems.add(plan, at.child(key), "expected text, got " + describe(v));
            return null;
        }
        if (s.isBlank()) {
            problems.add(plan, at.child(key), "is empty");
            return null;
        }
        return s.strip();
    }

    private Long whole(Object v, FieldPath at) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger) {
            problems.add(plan, at, "is too large, got " + v);
            return null;
        }
        problems.add(plan, at, "expected a whole number, got " + describe(v));
        return null;
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "nothing";
            case String s -> "'" + s + "'";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "a mapping";
            default -> String.valueOf(v);
        };
    }
}
