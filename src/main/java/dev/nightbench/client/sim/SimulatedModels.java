package dev.nightbench.client.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in simulated models that {@code type: simulated} endpoints (and {@code jobs/demo.yaml}) offer:
 * <ul>
 *   <li>{@code sim-fast}: time to first token ~40 ms (lognormal median), ~8 ms per token;</li>
 *   <li>{@code sim-medium}: ~120 ms, ~20 ms per token;</li>
 *   <li>{@code sim-large}: ~300 ms, ~45 ms per token;</li>
 *   <li>{@code sim-flaky}: like sim-medium, but ~25 % of requests fail (mostly HTTP 503, some truncated streams);</li>
 *   <li>{@code sim-busy}: like sim-fast with 4 request slots: beyond 4 answers in progress every new answer's
 *       delays grow with the load (active answers ÷ 4), the way a server with a full batch slows down; for load
 *       tests and sweeps.</li>
 * </ul>
 * Answers are 20–60 words (capped by max_tokens, then finish_reason "length"; with ignore_eos or min_tokens they go on
 * to the length asked for), one word per token, and the usage
 * counts the words sent and the prompt's words. Each model has a prefix cache (blocks of 16 prompt tokens, as vLLM's
 * automatic prefix caching): the prompt tokens an earlier request already had as its leading text are reported in
 * {@code usage.prompt_tokens_details.cached_tokens}, and only the others cost prefill time before the first token
 * ({@link #PREFILL_FAST} ms per token for sim-fast and sim-busy, {@link #PREFILL_MEDIUM} for sim-medium and sim-flaky,
 * {@link #PREFILL_LARGE} for sim-large). A slowdown factor per model multiplies every delay, so a demo can
 * show a regression: {@code NIGHTBENCH_SIM_SLOWDOWN=sim-medium=1.5,sim-fast=2}.
 */
public final class SimulatedModels {

    public static final String FAST = "sim-fast";
    public static final String MEDIUM = "sim-medium";
    public static final String LARGE = "sim-large";
    public static final String FLAKY = "sim-flaky";
    public static final String BUSY = "sim-busy";

    /** Environment variable with per-model slowdown factors, e.g. {@code sim-medium=1.5,sim-fast=2}. */
    public static final String SLOWDOWN_ENV = "NIGHTBENCH_SIM_SLOWDOWN";

    public static final long DEFAULT_SEED = 42L;

    /**
     * Prefill cost per uncached prompt token, ms (50,000, 20,000 and 10,000 tokens/s): under a millisecond for the
     * short prompts of most plans, tens of milliseconds for a few thousand words of {@code shared_prefix:} the first
     * time they are seen.
     */
    public static final double PREFILL_FAST = 0.02;
    public static final double PREFILL_MEDIUM = 0.05;
    public static final double PREFILL_LARGE = 0.1;

    private static final Map<String, StatisticalModel.Profile> PROFILES = profiles();

    private SimulatedModels() {
    }

    /** The built-in model names, in a stable order. */
    public static List<String> catalogue() {
        return List.copyOf(PROFILES.keySet());
    }

    public static boolean isBuiltIn(String name) {
        return PROFILES.containsKey(name);
    }

    /**
     * A built-in model.
     *
     * @param slowdown factor applied to every delay (1 = as documented)
     * @param seed     seed of the answers and timings
     * @throws IllegalArgumentException for a name not in {@link #catalogue()} or a slowdown that is not positive
     */
    public static SimModel builtIn(String name, double slowdown, long seed) {
        StatisticalModel.Profile profile = PROFILES.get(name);
        if (profile == null) {
            throw new IllegalArgumentException("unknown simulated model '" + name + "' (known: " + catalogue() + ")");
        }
        return new StatisticalModel(profile, slowdown, seed);
    }

    /**
     * A model that answers at once (no delay before or between its tokens), otherwise like the built-in ones; not in
     * the catalogue. Against it a load level measures the client alone: Nightbench's own ceiling calibration.
     */
    public static SimModel instant() {
        return new StatisticalModel(new StatisticalModel.Profile("sim-instant", 0, 0, 0), 1, DEFAULT_SEED);
    }

    /** The slowdown factors from {@value #SLOWDOWN_ENV}; empty when it is not set. */
    public static Map<String, Double> slowdownFromEnv() {
        return parseSlowdown(System.getenv(SLOWDOWN_ENV));
    }

    /**
     * Parses {@code name=factor[,name=factor…]}.
     *
     * @throws IllegalArgumentException naming the variable, the entry and what was expected
     */
    public static Map<String, Double> parseSlowdown(String spec) {
        Map<String, Double> factors = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return factors;
        }
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
            if (eq < 0 || !isBuiltIn(name)) {
                throw new IllegalArgumentException(SLOWDOWN_ENV + ": expected <model>=<factor> with a model in "
                        + catalogue() + ", got '" + entry.trim() + "'");
            }
            double factor;
            try {
                factor = Double.parseDouble(entry.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                factor = Double.NaN;
            }
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException(SLOWDOWN_ENV + ": expected a positive factor for '" + name
                        + "', got '" + entry.substring(eq + 1).trim() + "'");
            }
            factors.put(name, factor);
        }
        return factors;
    }

    private static Map<String, StatisticalModel.Profile> profiles() {
        Map<String, StatisticalModel.Profile> p = new LinkedHashMap<>();
        p.put(FAST, new StatisticalModel.Profile(FAST, 40, 8, 0, 0, PREFILL_FAST));
        p.put(MEDIUM, new StatisticalModel.Profile(MEDIUM, 120, 20, 0, 0, PREFILL_MEDIUM));
        p.put(LARGE, new StatisticalModel.Profile(LARGE, 300, 45, 0, 0, PREFILL_LARGE));
        p.put(FLAKY, new StatisticalModel.Profile(FLAKY, 120, 20, 0.25, 0, PREFILL_MEDIUM));
        p.put(BUSY, new StatisticalModel.Profile(BUSY, 40, 8, 0, 4, PREFILL_FAST));
        return p;
    }
}
