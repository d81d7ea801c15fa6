package dev.nightbench.client.openai;

import com.openai.core.JsonValue;

import java.util.Map;
import java.util.Optional;

/** Reading the SDK's untyped JSON values: server error bodies and fields the SDK does not model. */
final class JsonValues {

    private JsonValues() {
    }

    /** The string a JSON value holds, or null. ({@link JsonValue} is a raw {@code JsonField} in Java.) */
    static String text(JsonValue value) {
        Optional<?> s = value.asString();
        return s.isPresent() && s.get() instanceof String str ? str : null;
    }

    /** The whole number a JSON value holds (within int range), or null. */
    static Integer integer(JsonValue value) {
        Optional<?> n = value.asNumber();
        if (n.isPresent() && n.get() instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                && Math.abs(num.doubleValue()) <= Integer.MAX_VALUE) {
            return num.intValue();
        }
        return null;
    }

    /** The members of a JSON object value, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, JsonValue> object(JsonValue value) {
        Optional<?> o = value.asObject();
        return o.isPresent() ? (Map<String, JsonValue>) o.get() : null;
    }

    /** {@code reasoning_content} (vLLM, llama.cpp, DeepSeek), else {@code reasoning} (Ollama, OpenRouter). */
    static String reasoning(Map<String, JsonValue> additional) {
        JsonValue value = additional.get("reasoning_content");
        if (value == null) {
            value = additional.get("reasoning");
        }
        return value == null ? null : text(value);
    }
}
