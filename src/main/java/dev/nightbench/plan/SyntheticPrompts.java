package dev.nightbench.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a {@code synthetic:} source's prompts: for prompt n (1-based) it draws the input and output lengths from the
 * source's distributions, then takes the first words of prompt n's own word sequence ({@link SyntheticText}) and
 * fits their number to the input length with the tokenizer: the fewest words that reach the length, or one fewer
 * when that is closer (a binary search over the word count, a few dozen counts per prompt). Everything depends only
 * on the seed and the tokenizer, so the same plan with the same tokenizer gives byte-identical prompts: a restart
 * or the next night sends what the first did. The length counted is the prompt's user text alone, without the chat
 * template the server wraps around it.
 */
public final class SyntheticPrompts {

    /** The prompts made, and the source as {@link Workloads} records it. */
    public record Drawn(List<PromptSpec> prompts, Workloads.PromptSource source) {
    }

    private SyntheticPrompts() {
    }

    public static Drawn draw(SyntheticSpec spec, Tokenizer tokenizer) {
        SyntheticText.Rng lengths = new SyntheticText.Rng(SyntheticText.Rng.mix(spec.seed(), 0x1E46_7A5L));
        int width = String.valueOf(spec.count()).length();
        List<PromptSpec> prompts = new ArrayList<>(spec.count());
        for (int n = 1; n <= spec.count(); n++) {
            int targetIn = spec.input().draw(lengths);
            Integer targetOut = spec.output() == null ? null : spec.output().draw(lengths);
            Fitted fitted = fit(spec.seed(), n, targetIn, tokenizer);
            String id = spec.name() + ":" + String.format("%0" + width + "d", n);
            PromptOrigin origin = new PromptOrigin(spec.name(), null, 0, targetIn, targetOut, fitted.tokens(),
                    tokenizer.lengthSource());
            prompts.add(new PromptSpec(id, fitted.text(), List.of(), null, List.of(), List.of(), null, origin));
        }
        Workloads.PromptSource source = new Workloads.PromptSource(spec.name(), "synthetic", null, null, null,
                spec.seed(), null, prompts.size(), spec.settings());
        return new Drawn(List.copyOf(prompts), source);
    }

    /** A prompt's text and its length as the tokenizer counted it. */
    record Fitted(String text, int tokens) {
    }

    /** The word count whose text's length is closest to {@code target} (the shorter one on a tie). */
    static Fitted fit(long seed, int index, int target, Tokenizer tokenizer) {
        Map<Integer, Integer> counted = new HashMap<>();
        java.util.function.IntUnaryOperator count = words -> counted.computeIfAbsent(words,
                w -> tokenizer.count(SyntheticText.words(seed, index, w)));
        // exponential search for a word count that reaches the target, then binary search below it
        int hi = Math.max(1, target / 2);
        while (count.applyAsInt(hi) < target && hi < SyntheticText.MAX_WORDS) {
            hi = Math.min(SyntheticText.MAX_WORDS, hi * 2);
        }
        int lo = 0; // count(lo) < target, or lo = 0
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (count.applyAsInt(mid) >= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        int words = hi;
        if (lo >= 1 && target - count.applyAsInt(lo) <= count.applyAsInt(hi) - target) {
            words = lo;
        }
        return new Fitted(SyntheticText.words(seed, index, words), count.applyAsInt(words));
    }
}
