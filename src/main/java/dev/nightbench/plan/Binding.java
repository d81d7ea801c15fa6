package dev.nightbench.plan;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Binds YAML/JSON onto the raw records, turning every unknown key and wrongly typed value into a
 * {@link PlanProblem} instead of stopping at the first one. Keys are snake_case; the allowed keys named
 * in messages come from the records themselves, so a new section needs no change here.
 */
final class Binding {

    static final ObjectMapper YAML = configure(YAMLMapper.builder());
    static final ObjectMapper JSON = configure(JsonMapper.builder());

    private Binding() {
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> M configure(B builder) {
        return builder
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addModule(new SimpleModule("nightbench-plan")
                        .addDeserializer(Integer.class, WholeNumberDeserializer.integers())
                        .addDeserializer(Long.class, WholeNumberDeserializer.longs()))
                .build();
    }

    /**
     * @return the bound value (fields that failed are null, each with a problem), or null when binding
     *         had to stop; then a problem says why
     */
    static <T> T bind(ObjectMapper mapper, String text, TypeReference<T> type, Source source, Problems problems) {
        try {
            return mapper.readerFor(type).withHandler(new CollectingHandler(source, problems)).readValue(text);
        } catch (InvalidFormatException e) {
            problems.add(source, FieldPath.of(e.getPath()),
                    "expected " + describe(e.getTargetType()) + ", got " + quote(e.getValue()));
        } catch (MismatchedInputException e) {
            problems.add(source, FieldPath.of(e.getPath()), "expected " + describe(e.getTargetType()));
        } catch (JacksonException e) {
            problems.add(source, FieldPath.of(e.getPath()), "invalid value: " + e.getOriginalMessage());
        }
        return null;
    }

    private static final class CollectingHandler extends DeserializationProblemHandler {

        private final Source source;
        private final Problems problems;

        CollectingHandler(Source source, Problems problems) {
            this.source = source;
            this.problems = problems;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) {
            FieldPath path = pathOfUnknownKey(ctxt, p, propertyName);
            List<String> allowed = deserializer == null ? List.of()
                    : deserializer.getKnownPropertyNames().stream().map(String::valueOf).toList();
            problems.add(source, path, unknownKeyMessage(propertyName, allowed));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) {
            problems.add(source, pathOfCurrentValue(ctxt.getParser()),
                    "expected " + expected(targetType, failureMsg) + ", got " + quote(value));
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) {
            problems.add(source, pathOfCurrentValue(ctxt.getParser()),
                    "expected " + expected(targetType, failureMsg) + ", got " + value);
            return null;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken token,
                                            JsonParser p, String failureMsg) {
            if (token == null) {
                return NOT_HANDLED;
            }
            problems.add(source, pathOfCurrentValue(p),
                    "expected " + describe(targetType.getRawClass()) + ", got " + describe(token, p));
            p.skipChildren();
            return null;
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                                ValueInstantiator valueInsta, JsonParser p, String msg) {
            problems.add(source, pathOfCurrentValue(p),
                    "expected " + describe(instClass) + ", got " + describe(p.currentToken(), p));
            p.skipChildren();
            return null;
        }
    }

    /**
     * The path of an unknown key. Records are built through their constructor, so Jackson reads the whole object
     * first and replays an unknown key from a buffer whose contexts do not match the document; the document's
     * parser then sits at the end of the object holding the key, which gives that object's path.
     */
    static FieldPath pathOfUnknownKey(DeserializationContext ctxt, JsonParser p, String key) {
        JsonParser document = ctxt.getParser();
        if (document != null && document != p && document.currentToken() == JsonToken.END_OBJECT) {
            return FieldPath.of(document.streamReadContext()).child(key);
        }
        FieldPath path = pathOfCurrentValue(p);
        return path.isRoot() || !Objects.equals(path.segments().getLast(), key) ? path.child(key) : path;
    }

    /** The path of the value the parser is at; for a just-opened object or list, the path of that value. */
    static FieldPath pathOfCurrentValue(JsonParser p) {
        TokenStreamContext context = p.streamReadContext();
        JsonToken token = p.currentToken();
        if (token != null && token.isStructStart() && context.getParent() != null) {
            context = context.getParent();
        }
        return FieldPath.of(context);
    }

    static String unknownKeyMessage(String key, Collection<String> allowed) {
        StringBuilder sb = new StringBuilder("unknown key '").append(key).append('\'');
        String suggestion = suggest(key, allowed);
        if (suggestion != null) {
            sb.append(" (did you mean '").append(suggestion).append("'?)");
        }
        if (!allowed.isEmpty()) {
            sb.append("; allowed keys: ").append(String.join(", ", allowed));
        }
        return sb.toString();
    }

    /** The allowed key closest to a mistyped one (camelCase, kebab-case or a typo or two), or null. */
    static String suggest(String key, Collection<String> allowed) {
        String normalized = normalize(key);
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            if (normalize(candidate).equals(normalized)) {
                return candidate;
            }
            int d = levenshtein(key.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static String normalize(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** What the field takes: a whole number out of range says its bound, anything else its kind. */
    private static String expected(Class<?> type, String failureMsg) {
        return failureMsg != null && failureMsg.startsWith(WholeNumberDeserializer.OUT_OF_RANGE) ? failureMsg : describe(type);
    }

    static String describe(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == BigInteger.class
                || type == int.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == BigDecimal.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a text value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of keys";
        }
        return type.getSimpleName();
    }

    static String describe(JsonToken token, JsonParser p) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "text " + quote(p.getString());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getString();
            case VALUE_TRUE, VALUE_FALSE -> p.getString();
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    static String quote(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }
}
