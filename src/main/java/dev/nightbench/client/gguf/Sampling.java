package dev.nightbench.client.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.args.MiroStat;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request's sampling as llama.cpp's completion parameters: {@code max_tokens}, {@code temperature} and {@code seed}
 * from the {@link ChatRequest} unless the model's {@code params:} ({@link ChatRequest#extra()}) set them, and each
 * param by llama-server's name. A param llama.cpp does not know is ignored with one warning per name (llama-server
 * ignores unknown body fields too, so a plan's params work on both); a known one with a wrong value fails the request
 * as an invalid request ({@link FailureClass#HTTP_4XX}, as llama-server's 400).
 */
final class Sampling {

    private static final Logger log = LoggerFactory.getLogger(Sampling.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Params that are not sampling but are part of every request's body elsewhere, ignored without a warning. */
    private static final Set<String> QUIET = Set.of("model", "messages", "stream", "stream_options");

    private Sampling() {
    }

    /**
     * The parameters for {@code prompt}; {@code maxTokens} is the limit applied (null: none).
     *
     * @throws ModelClientException HTTP_4XX: a param of a wrong type or range
     */
    static Applied apply(String prompt, ChatRequest request) {
        InferenceParameters p = new InferenceParameters(prompt).setCachePrompt(true);
        Map<String, Object> extra = request.extra();
        Integer maxTokens = request.maxTokens();
        Double temperature = request.temperature();
        Long seed = request.seed();
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            String name = e.getKey();
            Object v = e.getValue();
            switch (name) {
                case "max_tokens", "max_completion_tokens", "n_predict" -> maxTokens = integer(name, v);
                case "temperature" -> temperature = number(name, v);
                case "seed" -> seed = wholeLong(name, v);
                case "top_k" -> p.setTopK(integer(name, v));
                case "top_p" -> p.setTopP((float) number(name, v));
                case "min_p" -> p.setMinP((float) number(name, v));
                case "typical_p" -> p.setTypicalP((float) number(name, v));
                case "repeat_penalty" -> p.setRepeatPenalty((float) number(name, v));
                case "repeat_last_n" -> p.setRepeatLastN(integer(name, v));
                case "presence_penalty" -> p.setPresencePenalty((float) number(name, v));
                case "frequency_penalty" -> p.setFrequencyPenalty((float) number(name, v));
                case "dynatemp_range" -> p.setDynamicTemperatureRange((float) number(name, v));
                case "dynatemp_exponent" -> p.setDynamicTemperatureExponent((float) number(name, v));
                case "mirostat" -> p.setMiroStat(switch (integer(name, v)) {
                    case 0 -> MiroStat.DISABLED;
                    case 1 -> MiroStat.V1;
                    case 2 -> MiroStat.V2;
                    default -> throw invalid(name, v, "0, 1 or 2");
                });
                case "mirostat_tau" -> p.setMiroStatTau((float) number(name, v));
                case "mirostat_eta" -> p.setMiroStatEta((float) number(name, v));
                case "min_keep" -> p.setMinKeep(integer(name, v));
                case "n_keep" -> p.setNKeep(integer(name, v));
                case "ignore_eos" -> p.setIgnoreEos(bool(name, v));
                case "cache_prompt" -> p.setCachePrompt(bool(name, v));
                case "grammar" -> p.setGrammar(text(name, v));
                case "stop" -> p.setStopStrings(stops(v));
                default -> {
                    if (!QUIET.contains(name) && WARNED.add(name)) {
                        log.warn("gguf endpoint: ignoring the model param '{}', which llama.cpp's completion does not"
                                + " take (llama-server ignores it too)", name);
                    }
                }
            }
        }
        if (maxTokens != null) {
            p.setNPredict(maxTokens);
        }
        if (temperature != null) {
            p.setTemperature(temperature.floatValue());
        }
        if (seed != null) {
            p.setSeed((int) seed.longValue()); // llama.cpp's seed is 32 bits wide
        }
        return new Applied(p, maxTokens);
    }

    /** The parameters and the token limit they carry (null: none). */
    record Applied(InferenceParameters parameters, Integer maxTokens) {
    }

    private static int integer(String name, Object v) {
        if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        throw invalid(name, v, "a whole number");
    }

    private static long wholeLong(String name, Object v) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw invalid(name, v, "a whole number");
    }

    private static double number(String name, Object v) {
        if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
            return n.doubleValue();
        }
        throw invalid(name, v, "a number");
    }

    private static boolean bool(String name, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(name, v, "true or false");
    }

    private static String text(String name, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw invalid(name, v, "a text");
    }

    private static String[] stops(Object v) {
        if (v instanceof String s) {
            return new String[] {s};
        }
        if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toArray(String[]::new);
        }
        throw invalid("stop", v, "a text or a list of texts");
    }

    private static ModelClientException invalid(String name, Object v, String expected) {
        return new ModelClientException(FailureClass.HTTP_4XX, "invalid model param '" + name + "': expected "
                + expected + ", got " + (v instanceof String s ? "'" + s + "'" : String.valueOf(v)));
    }
}
