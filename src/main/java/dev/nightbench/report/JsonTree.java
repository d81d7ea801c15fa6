package dev.nightbench.report;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Small helpers to build {@code results.json} as a Jackson tree: members in the order they are put (an
 * {@link ObjectNode} keeps insertion order, so the same run gives the same bytes), numbers as JSON numbers, a
 * missing or non-finite figure as {@code null} (JSON has no NaN), and a record's components as members named in
 * snake_case ({@code ttftMsP50} becomes {@code ttft_ms_p50}, the name its SQL column has), in component order.
 */
final class JsonTree {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Pretty-printed, two-space indented, as a person reads the file and {@code jq} does not care about. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Word boundaries of a camelCase name: before an upper-case letter that follows a lower-case letter or a digit,
     * and inside a run of capitals before its last one ({@code gpuPowerWPeak}: gpu, power, w, peak). */
    private static final Pattern WORD = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

    private JsonTree() {
    }

    static String write(JsonNode tree) {
        return JSON.writeValueAsString(tree) + "\n";
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static String snake(String camel) {
        return WORD.matcher(camel).replaceAll("_").toLowerCase(java.util.Locale.ROOT);
    }

    /** Puts {@code value} under {@code name}: null, a number, a boolean, text, a list, a record or an enum's stored value. */
    static ObjectNode put(ObjectNode node, String name, Object value) {
        node.set(name, value(value));
        return node;
    }

    /** The record's components as members of a new object, less the ones named in {@code skip} (component names). */
    static ObjectNode record(Record r, Set<String> skip) {
        ObjectNode node = object();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (skip.contains(c.getName())) {
                continue;
            }
            try {
                c.getAccessor().setAccessible(true);
                put(node, snake(c.getName()), c.getAccessor().invoke(r));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
            }
        }
        return node;
    }

    static ArrayNode array(Collection<?> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(v -> array.add(value(v)));
        return array;
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case JsonNode n -> n;
            case Double d -> d.isNaN() || d.isInfinite() ? NODES.nullNode() : NODES.numberNode(d);
            case Float f -> f.isNaN() || f.isInfinite() ? NODES.nullNode() : NODES.numberNode(f.doubleValue());
            case BigDecimal b -> NODES.numberNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Number n -> NODES.numberNode(n.longValue());
            case Boolean b -> NODES.booleanNode(b);
            case String s -> NODES.stringNode(s);
            case Instant i -> NODES.stringNode(i.toString());
            case LocalDate d -> NODES.stringNode(d.toString());
            case Enum<?> e -> NODES.stringNode(e.toString()); // the store's enums print their database value
            case Collection<?> c -> array(c);
            case Record r -> record(r, Set.of());
            default -> throw new IllegalArgumentException("no JSON for a " + value.getClass().getName());
        };
    }
}
