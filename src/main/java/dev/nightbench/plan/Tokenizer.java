package dev.nightbench.plan;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

import java.util.Locale;
import java.util.Optional;

/**
 * Counts the tokens of a text the way one model's tokenizer does (issue 14): to fit {@code synthetic:} prompts to a
 * requested length, and to count a model's output where the server sends no usage. Three kinds:
 * <ul>
 *   <li>OpenAI's encodings {@code cl100k_base} and {@code o200k_base}, offline through jtokkit;</li>
 *   <li>a server's own tokenizer (llama.cpp's {@code POST /tokenize}, and the simulated endpoint's), built by the
 *       run from {@code client.ServerTokenizer} once the endpoint is known;</li>
 *   <li>the {@linkplain #estimate() estimate}: {@value #CHARS_PER_TOKEN} characters per token, OpenAI's rule of
 *       thumb for English, the same figure as the client's output-token estimate. A length counted this way is
 *       reported as an estimate ({@code estimate:4}), never as a token count.</li>
 * </ul>
 */
public interface Tokenizer {

    /** Characters per token of the {@linkplain #estimate() estimate} (and of the client's output-token estimate). */
    double CHARS_PER_TOKEN = 4.0;

    /** Tokens in {@code text} (no chat template, no special tokens). */
    int count(String text);

    /**
     * How a length counted with this tokenizer is labelled ({@code run_prompts.length_source}):
     * {@code tokenizer:<name>} or {@code estimate:<chars per token>}.
     */
    String lengthSource();

    /** True for a real tokenizer, false for the characters-per-token estimate. */
    default boolean exact() {
        return !lengthSource().startsWith("estimate:");
    }

    /** {@code round(characters / 4)}, at least 1 for any text: the documented estimate. */
    static Tokenizer estimate() {
        return Estimate.INSTANCE;
    }

    /** The OpenAI encoding of that name ({@code cl100k_base}, {@code o200k_base}), if it is one. */
    static Optional<Tokenizer> encoding(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "cl100k_base" -> Optional.of(new OpenAiEncoding("cl100k_base", EncodingType.CL100K_BASE));
            case "o200k_base" -> Optional.of(new OpenAiEncoding("o200k_base", EncodingType.O200K_BASE));
            default -> Optional.empty();
        };
    }

    /** A tokenizer from a count function and its name (e.g. a server's {@code /tokenize}). */
    static Tokenizer named(String name, java.util.function.ToIntFunction<String> count) {
        return new Tokenizer() {
            @Override
            public int count(String text) {
                return count.applyAsInt(text);
            }

            @Override
            public String lengthSource() {
                return "tokenizer:" + name;
            }
        };
    }

    /** The estimate. */
    enum Estimate implements Tokenizer {
        INSTANCE;

        @Override
        public int count(String text) {
            if (text == null || text.isEmpty()) {
                return 0;
            }
            return (int) Math.max(1, Math.round(text.length() / CHARS_PER_TOKEN));
        }

        @Override
        public String lengthSource() {
            return "estimate:" + (CHARS_PER_TOKEN == Math.rint(CHARS_PER_TOKEN)
                    ? String.valueOf((long) CHARS_PER_TOKEN) : String.valueOf(CHARS_PER_TOKEN));
        }
    }

    /** An OpenAI encoding; the registry loads each encoding's ranks once, lazily. */
    record OpenAiEncoding(String name, EncodingType type) implements Tokenizer {

        private static final class Registry {
            static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
        }

        @Override
        public int count(String text) {
            Encoding encoding = Registry.INSTANCE.getEncoding(type);
            return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
        }

        @Override
        public String lengthSource() {
            return "tokenizer:" + name;
        }
    }
}
