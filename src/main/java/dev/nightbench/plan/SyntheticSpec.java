package dev.nightbench.plan;

import java.util.List;
import java.util.Set;

/**
 * One {@code synthetic:} source as validated ({@link SyntheticValidator}): how many prompts, their seed, the input
 * and output lengths to draw, the tokenizer the input is fitted with, and which output-length controls the server
 * accepts. {@link SyntheticPrompts} turns it into prompts.
 *
 * @param name      the source's name; its prompts are {@code <name>:<n>}
 * @param count     prompts to make, 1 or more
 * @param seed      the seed of the lengths and the words (the same seed gives the same prompts)
 * @param input     the input length in tokens to draw per prompt
 * @param output    the output length in tokens to draw per prompt (sent as that prompt's {@code max_tokens})
 * @param tokenizer {@code estimate}, {@code cl100k_base}, {@code o200k_base} or a model alias (that model's
 *                  tokenizer: its own {@code tokenizer:} or its server's {@code /tokenize})
 * @param control   what is sent besides {@code max_tokens} to make the model write the whole length:
 *                  {@link #IGNORE_EOS} and/or {@link #MIN_TOKENS}; empty for {@code max_tokens} only
 * @param settings  the settings as written, as JSON ({@code run_prompt_sources.settings})
 */
public record SyntheticSpec(String name, int count, long seed, Length input, Length output, String tokenizer,
                            Set<String> control, String settings) {

    /** llama.cpp, vLLM: keep generating past the end-of-sequence token. */
    public static final String IGNORE_EOS = "ignore_eos";
    /** vLLM: generate at least this many tokens. */
    public static final String MIN_TOKENS = "min_tokens";
    public static final List<String> CONTROLS = List.of(IGNORE_EOS, MIN_TOKENS);
    /** The tokenizer names that are not model aliases. */
    public static final String ESTIMATE = "estimate";

    public SyntheticSpec {
        control = Set.copyOf(control);
    }

    /** A length distribution in tokens; every draw is at least 1. */
    public sealed interface Length {

        int draw(SyntheticText.Rng rng);

        /** Always {@code tokens}. */
        record Fixed(int tokens) implements Length {
            @Override
            public int draw(SyntheticText.Rng rng) {
                return tokens;
            }
        }

        /** Normal with this mean and standard deviation, rounded, at least 1. */
        record Normal(double mean, double stddev) implements Length {
            @Override
            public int draw(SyntheticText.Rng rng) {
                return (int) Math.max(1, Math.round(mean + stddev * rng.nextGaussian()));
            }
        }

        /** Uniform over {@code min..max}, both included. */
        record Uniform(int min, int max) implements Length {
            @Override
            public int draw(SyntheticText.Rng rng) {
                return min + rng.nextInt(max - min + 1);
            }
        }
    }
}
