package dev.nightbench.plan;

import dev.nightbench.plan.LoadedPlan.IncludedFile;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a prompt's {@code expect:} list (in the plan, or on an entry of a {@code prompts_file}): each entry is a
 * mapping with exactly one check kind ({@link CheckKind}) and only that kind's options; a regex must compile (its
 * error position is reported), a schema must be a JSON Schema ({@link JsonSchemas}), and every argument must have
 * its type. Every problem names its file, line and field.
 */
final class CheckValidator {

    static final String EXAMPLE = "e.g. {contains: Paris}";

    private static final Map<CheckKind, List<String>> OPTIONS = Map.of(
            CheckKind.CONTAINS, List.of("case_sensitive"),
            CheckKind.NOT_CONTAINS, List.of("case_sensitive"),
            CheckKind.REGEX, List.of("flags"),
            CheckKind.EQUALS, List.of(),
            CheckKind.ONE_OF, List.of(),
            CheckKind.NUMERIC, List.of("tolerance", "relative_tolerance"),
            CheckKind.JSON, List.of("schema", "schema_file"),
            CheckKind.MAX_CHARS, List.of(),
            CheckKind.MAX_WORDS, List.of());

    /** A schema_file as read, or why it could not be. */
    record SchemaFile(IncludedFile file, String error) {
    }

    /** Reads a schema_file named in a check: (source that names it, name as written) → the file or the error. */
    private final BiFunction<Source, String, SchemaFile> schemaFiles;
    private final Problems problems;

    CheckValidator(Problems problems, BiFunction<Source, String, SchemaFile> schemaFiles) {
        this.problems = problems;
        this.schemaFiles = schemaFiles;
    }

    /** @return the checks, or null when any entry has a problem (each reported) */
    List<CheckSpec> checks(Source source, FieldPath at, Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> entries)) {
            problems.add(source, at, "expected a list of checks, " + EXAMPLE + ", got " + describe(raw));
            return null;
        }
        List<CheckSpec> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < entries.size(); i++) {
            CheckSpec spec = check(source, at.index(i), entries.get(i));
            if (spec == null) {
                ok = false;
            } else {
                out.add(spec);
            }
        }
        return ok ? out : null;
    }

    private CheckSpec check(Source source, FieldPath at, Object entry) {
        if (!(entry instanceof Map<?, ?> map) || map.isEmpty()) {
            problems.add(source, at, (entry == null ? "empty entry" : "expected one check as a mapping, got "
                    + describe(entry)) + "; " + EXAMPLE + " (kinds: " + String.join(", ", CheckKind.keys()) + ")");
            return null;
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (Object key : map.keySet()) {
            if (CheckKind.keys().contains(String.valueOf(key))) {
                kinds.add(String.valueOf(key));
            }
        }
        if (kinds.isEmpty()) {
            String key = String.valueOf(map.keySet().iterator().next());
            String suggestion = Binding.suggest(key, CheckKind.keys());
            problems.add(source, at.child(key), "unknown check kind '" + key + "'"
                    + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                    + "; known kinds: " + String.join(", ", CheckKind.keys()));
            return null;
        }
        if (kinds.size() > 1) {
            problems.add(source, at, "one check per entry, found " + String.join(" and ", kinds)
                    + "; make each its own entry of the list");
            return null;
        }
        CheckKind kind = CheckKind.from(kinds.iterator().next());
        Args args = new Args(source, at, map);
        for (Object key : map.keySet()) {
            String k = String.valueOf(key);
            if (!k.equals(kind.value()) && !OPTIONS.get(kind).contains(k)) {
                List<String> allowed = new ArrayList<>(List.of(kind.value()));
                allowed.addAll(OPTIONS.get(kind));
                problems.add(source, at.child(k), Binding.unknownKeyMessage(k, allowed) + " (for a " + kind.value()
                        + " check)");
                args.ok = false;
            }
        }
        CheckSpec spec = switch (kind) {
            case CONTAINS, NOT_CONTAINS -> new CheckSpec.Contains(args.text(kind.value()),
                    args.bool("case_sensitive", false), kind == CheckKind.NOT_CONTAINS);
            case REGEX -> regex(args);
            case EQUALS -> {
                String text = args.text("equals");
                yield text == null ? null : new CheckSpec.Equals(List.of(text), false);
            }
            case ONE_OF -> {
                List<String> options = args.texts("one_of");
                yield options == null ? null : new CheckSpec.Equals(options, true);
            }
            case NUMERIC -> {
                Double expected = args.number("numeric", false);
                Double tolerance = args.number("tolerance", true);
                Double relative = args.number("relative_tolerance", true);
                yield expected == null ? null : new CheckSpec.Numeric(expected, tolerance == null ? 0 : tolerance,
                        relative == null ? 0 : relative);
            }
            case JSON -> json(args);
            case MAX_CHARS, MAX_WORDS -> {
                Integer limit = args.positiveWhole(kind.value());
                yield limit == null ? null : new CheckSpec.MaxLength(limit, kind == CheckKind.MAX_WORDS);
            }
        };
        return args.ok ? spec : null;
    }

    private CheckSpec regex(Args args) {
        String pattern = args.text("regex");
        String flags = "";
        Object rawFlags = args.map.get("flags");
        if (rawFlags != null) {
            if (!(rawFlags instanceof String f) || !f.matches("[imsx]*") || f.chars().distinct().count() != f.length()) {
                args.problem("flags", "expected letters from 'imsx' (i: ignore case, m: multiline, s: dot matches"
                        + " newlines, x: comments), each at most once, got " + describe(rawFlags));
                return null;
            }
            flags = f;
        }
        if (pattern == null) {
            return null;
        }
        try {
            Pattern.compile(pattern, new CheckSpec.Regex(pattern, flags).javaFlags());
        } catch (PatternSyntaxException e) {
            args.problem("regex", "does not compile at position " + e.getIndex() + " of the pattern: "
                    + e.getDescription() + " (pattern: " + pattern + ")");
            return null;
        }
        return new CheckSpec.Regex(pattern, flags);
    }

    private CheckSpec json(Args args) {
        Object value = args.map.get("json");
        if (!Boolean.TRUE.equals(value)) {
            args.problem("json", "expected true (the answer must be JSON), got " + describe(value)
                    + "; add schema: or schema_file: to check its shape");
            return null;
        }
        Object inline = args.map.get("schema");
        Object file = args.map.get("schema_file");
        if (inline != null && file != null) {
            args.problem("schema_file", "give either schema or schema_file, not both");
            return null;
        }
        if (inline != null) {
            String error = JsonSchemas.problem(inline);
            if (error != null) {
                args.problem("schema", error);
                return null;
            }
            return new CheckSpec.Json(JsonSchemas.toJson(inline), "inline");
        }
        if (file != null) {
            if (!(file instanceof String name) || name.isBlank()) {
                args.problem("schema_file", "expected a file path relative to " + args.source.file().getFileName()
                        + ", got " + describe(file));
                return null;
            }
            SchemaFile schemaFile = schemaFiles.apply(args.source, name);
            if (schemaFile.error() != null) {
                args.problem("schema_file", schemaFile.error());
                return null;
            }
            IncludedFile read = schemaFile.file();
            String error = JsonSchemas.problemInText(read.rawText());
            if (error != null) {
                args.problem("schema_file", "'" + name + "' (" + read.path() + ") is not a usable JSON Schema: "
                        + error);
                return null;
            }
            return new CheckSpec.Json(read.rawText(), name);
        }
        return new CheckSpec.Json(null, null);
    }

    static String describe(Object value) {
        return switch (value) {
            case null -> "nothing";
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> "a list";
            case String s -> "text '" + s + "'";
            case Number n -> "the number " + n;
            case Boolean b -> b.toString();
            default -> value.getClass().getSimpleName();
        };
    }

    /** One entry's arguments; each accessor reports its own problem and clears {@link #ok}. */
    private final class Args {
        final Source source;
        final FieldPath at;
        final Map<?, ?> map;
        boolean ok = true;

        Args(Source source, FieldPath at, Map<?, ?> map) {
            this.source = source;
            this.at = at;
            this.map = map;
        }

        void problem(String key, String message) {
            problems.add(source, at.child(key), message);
            ok = false;
        }

        /** A non-empty text; a number or true/false counts as its text. */
        String text(String key) {
            Object v = map.get(key);
            if (v instanceof Number || v instanceof Boolean) {
                return String.valueOf(v);
            }
            if (!(v instanceof String s) || s.isEmpty()) {
                problem(key, "expected a non-empty text, got " + describe(v));
                return null;
            }
            return s;
        }

        List<String> texts(String key) {
            Object v = map.get(key);
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                problem(key, "expected a list of accepted answers, e.g. [Paris, 'Paris, France'], got "
                        + describe(v));
                return null;
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object o = list.get(i);
                if (o instanceof Number || o instanceof Boolean || (o instanceof String s && !s.isEmpty())) {
                    out.add(String.valueOf(o));
                } else {
                    problems.add(source, at.child(key).index(i), "expected a non-empty text, got " + describe(o));
                    ok = false;
                }
            }
            return ok ? out : null;
        }

        boolean bool(String key, boolean defaultValue) {
            Object v = map.get(key);
            if (v == null) {
                return defaultValue;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            problem(key, "expected true or false, got " + describe(v));
            return defaultValue;
        }

        Double number(String key, boolean nonNegative) {
            Object v = map.get(key);
            if (v == null && nonNegative) {
                return null;
            }
            if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                problem(key, "expected a number, got " + describe(v));
                return null;
            }
            if (nonNegative && n.doubleValue() < 0) {
                problem(key, "must be >= 0, got " + n);
                return null;
            }
            return n.doubleValue();
        }

        Integer positiveWhole(String key) {
            Object v = map.get(key);
            boolean whole = v instanceof Integer || v instanceof Long
                    || (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0);
            if (!whole || ((Number) v).longValue() < 1 || ((Number) v).longValue() > Integer.MAX_VALUE) {
                problem(key, "expected a whole number >= 1, got " + describe(v));
                return null;
            }
            return ((Number) v).intValue();
        }
    }
}
