package dev.nightbench.quality;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the judge's reply into a {@link Verdict}, leniently where a model's habits are harmless and strictly where a
 * score would have to be guessed. Never throws: whatever the reply, the result is a usable verdict or an unusable one
 * with a reason naming what is wrong.
 *
 * <p>Accepted, because models do it and the meaning is unambiguous:
 * <ul>
 *   <li>text around the JSON object: a ```json fence, prose before or after, a {@code <think>} block (removed first);</li>
 *   <li>JSON as people type it: single quotes, unquoted keys, trailing commas, comments;</li>
 *   <li>keys in another case or with spaces around them ({@code "Coherence "});</li>
 *   <li>the scores one level down ({@code {"scores": {"coherence": 4, ...}, "reason": "..."}});</li>
 *   <li>a score as a whole number in any JSON form: {@code 4}, {@code 4.0}, {@code "4"}, and {@code "4/5"} (a score
 *       out of 5 is a score on our scale);</li>
 *   <li>no {@code "reason"} (the verdict is usable, its reason null), and keys we did not ask for (ignored).</li>
 * </ul>
 * Unusable, with the reason: no text; no JSON object, or one cut off; no object naming any criterion; a criterion
 * missing; a score that is not a whole number ({@code 4.5}, {@code "five"}, {@code true}, {@code null}) or on another
 * scale ({@code "8/10"}); a score out of 1-5 ({@code 0}, {@code 6}); two objects with scores that differ (which one
 * is meant cannot be told). Every problem of the chosen object is named, not only the first.
 */
public final class VerdictParser {

    /** Replies longer than this are only searched this far: a verdict is a few hundred characters. */
    static final int MAX_SCANNED_CHARS = 50_000;
    /** Braces tried as the start of an object: bounds the work on a reply of nothing but braces. */
    static final int MAX_ATTEMPTS = 200;

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)   // the text goes on after the object
            .build();
    private static final Pattern THINK = Pattern.compile("(?is)<think>.*?</think>");
    private static final Pattern WHOLE = Pattern.compile("(\\d+)(?:\\.0+)?");
    private static final Pattern FRACTION = Pattern.compile("(\\d+)\\s*/\\s*(\\d+)");
    private static final String REASON = "reason";

    private VerdictParser() {
    }

    /**
     * @param reply    the judge's answer as received (null when none)
     * @param criteria the criterion names the answer is scored on, in rubric order
     */
    public static Verdict parse(String reply, List<String> criteria) {
        if (reply == null || reply.isBlank()) {
            return Verdict.unusable("the judge's reply is empty");
        }
        String text = THINK.matcher(reply).replaceAll(" ");
        if (text.length() > MAX_SCANNED_CHARS) {
            text = text.substring(0, MAX_SCANNED_CHARS);
        }
        List<JsonNode> objects = objects(text);
        List<JsonNode[]> scored = new ArrayList<>();   // {scores object, object holding it}
        for (JsonNode o : objects) {
            scoresIn(o, criteria).ifPresent(s -> scored.add(new JsonNode[] {s, o}));
        }
        if (scored.isEmpty()) {
            if (!objects.isEmpty()) {
                return Verdict.unusable("no JSON object in the reply names a criterion (expected "
                        + String.join(", ", criteria) + ")");
            }
            return Verdict.unusable(text.indexOf('{') >= 0 ? "no complete JSON object in the reply (cut off?)"
                    : "no JSON object in the reply");
        }
        Verdict first = read(scored.getFirst()[0], scored.getFirst()[1], criteria);
        for (JsonNode[] other : scored.subList(1, scored.size())) {
            if (!read(other[0], other[1], criteria).scores().equals(first.scores())) {
                return Verdict.unusable(scored.size() + " JSON objects with scores that differ; which is the verdict "
                        + "cannot be told");
            }
        }
        return first;
    }

    /** Every JSON object in the text, outermost only, in order. */
    private static List<JsonNode> objects(String text) {
        List<JsonNode> out = new ArrayList<>();
        int i = text.indexOf('{');
        for (int attempts = 0; i >= 0 && attempts < MAX_ATTEMPTS; attempts++) {
            int end = -1;
            try (JsonParser p = LENIENT.createParser(text.substring(i))) {
                JsonNode node = LENIENT.readTree(p);
                if (node != null && node.isObject()) {
                    out.add(node);
                    end = i + (int) p.currentLocation().getCharOffset();
                }
            } catch (JacksonException | IllegalArgumentException notAnObjectHere) {
                // not a complete object from this brace: try the next one
            }
            i = text.indexOf('{', end > i ? end : i + 1);
        }
        return out;
    }

    /** The object holding the scores: this one when it names a criterion, else an object field of it that does. */
    private static Optional<JsonNode> scoresIn(JsonNode object, List<String> criteria) {
        if (namesACriterion(object, criteria)) {
            return Optional.of(object);
        }
        for (JsonNode child : object.values()) {
            if (child.isObject() && namesACriterion(child, criteria)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    private static boolean namesACriterion(JsonNode object, List<String> criteria) {
        return criteria.stream().anyMatch(c -> field(object, c) != null);
    }

    private static Verdict read(JsonNode scores, JsonNode outer, List<String> criteria) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String c : criteria) {
            JsonNode value = field(scores, c);
            if (value == null) {
                problems.add("missing " + c);
                continue;
            }
            String problem = score(value, c, out);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            return Verdict.unusable(String.join("; ", problems));
        }
        JsonNode reason = field(scores, REASON);
        if (reason == null) {
            reason = field(outer, REASON);
        }
        return Verdict.usable(out, reason == null || reason.isNull() ? null
                : (reason.isString() ? reason.asString() : reason.toString()).strip());
    }

    /** Puts the score of {@code value} under {@code criterion}, or says what is wrong with it. */
    private static String score(JsonNode value, String criterion, Map<String, Integer> out) {
        Long whole = null;
        if (value.isIntegralNumber()) {
            whole = value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
        } else if (value.isNumber()) {
            double d = value.asDouble();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                return criterion + ": " + value + " is not a whole number";
            }
            whole = (long) d;
        } else if (value.isString()) {
            String s = value.asString().strip();
            Matcher m = WHOLE.matcher(s);
            Matcher f = FRACTION.matcher(s);
            if (m.matches() && m.group(1).length() < 10) {
                whole = Long.parseLong(m.group(1));
            } else if (f.matches() && f.group(1).length() < 10) {
                if (!f.group(2).equals("5")) {
                    return criterion + ": '" + s + "' is not on the 1-5 scale";
                }
                whole = Long.parseLong(f.group(1));
            } else {
                return criterion + ": '" + abbreviate(s) + "' is not a whole number";
            }
        }
        if (whole == null) {
            return criterion + ": " + abbreviate(value.toString()) + " is not a whole number";
        }
        if (whole < 1 || whole > 5) {
            return criterion + ": " + (value.isString() ? value.asString().strip() : value.toString())
                    + " is out of range 1-5";
        }
        out.put(criterion, whole.intValue());
        return null;
    }

    /** The field named {@code name}, in any case and with spaces around it, or null. */
    private static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().strip().toLowerCase(Locale.ROOT).equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
