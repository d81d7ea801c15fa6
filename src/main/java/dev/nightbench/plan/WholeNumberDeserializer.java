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

    private final Function<BigDecimal, T> exact;

    private WholeNumberDeserializer(Class<T> type, Function<BigDecimal, T> exact) {
        super(type);
        this.exact = exact;
    }

    static WholeNumberDeserializer<Integer> integers() {
        return new WholeNumberDeserializer<>(Integer.class, BigDecimal::intValueExact);
    }

    static WholeNumberDeserializer<Long> longs() {
        return new WholeNumberDeserializer<>(Long.class, BigDecimal::longValueExact);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser p, DeserializationContext ctxt) {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                BigDecimal value = p.getDecimalValue();
                T result = convert(value);
                yield result != null ? result : (T) ctxt.handleWeirdNumberValue(handledType(), value,
                        "not a whole number in range");
            }
            case VALUE_STRING -> {
                String text = p.getString().strip();
                T result = null;
                try {
                    result = convert(new BigDecimal(text));
                } catch (NumberFormatException e) {
                    // reported below
                }
                yield result != null ? result : (T) ctxt.handleWeirdStringValue(handledType(), text,
                        "not a whole number");
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
