package dev.nightbench.plan;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Integer and Long fields that report {@code rounds: 1.5} or {@code rounds: three} through the problem
 * handler, like every other bad value. Jackson's own deserializers throw for a fraction, which would stop
 * the whole parse at the first one. {@code 3.0} and {@code "3"} are accepted as 3.
 */
final class WholeNumberDeserializer<T extends Number> extends StdScalarDeserializer<T> {

    /** Starts the failure message of a whole number too large or too small for its field; the problem says it. */
    static final String OUT_OF_RANGE = "a whole number ";

    private final Function<BigDecimal, T> exact;
    private final long min;
    private final long max;

    private WholeNumberDeserializer(Class<T> type, Function<BigDecimal, T> exact, long min, long max) {
        super(type);
        this.exact = exact;
        this.min = min;
        this.max = max;
    }

    static WholeNumberDeserializer<Integer> integers() {
        return new WholeNumberDeserializer<>(Integer.class, BigDecimal::intValueExact, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static WholeNumberDeserializer<Long> longs() {
        return new WholeNumberDeserializer<>(Long.class, BigDecimal::longValueExact, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** "a whole number no larger than 2147483647" for a whole value out of range, else "not a whole number". */
    private String failure(BigDecimal value) {
        if (value.stripTrailingZeros().scale() > 0) {
            return "not a whole number";
        }
        return value.signum() > 0 ? OUT_OF_RANGE + "no larger than " + max : OUT_OF_RANGE + "no smaller than " + min;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser p, DeserializationContext ctxt) {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                BigDecimal value = p.getDecimalValue();
                T result = convert(value);
                yield result != null ? result : (T) ctxt.handleWeirdNumberValue(handledType(), value, failure(value));
            }
            case VALUE_STRING -> {
                String text = p.getString().strip();
                T result = null;
                String failure = "not a whole number";
                try {
                    BigDecimal value = new BigDecimal(text);
                    result = convert(value);
                    failure = failure(value);
                } catch (NumberFormatException e) {
                    // reported below
                }
                yield result != null ? result : (T) ctxt.handleWeirdStringValue(handledType(), text, failure);
            }
            default -> (T) ctxt.handleUnexpectedToken(handledType(), p);
        };
    }

    private T convert(BigDecimal value) {
        try {
            return exact.apply(value.stripTrailingZeros());
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
