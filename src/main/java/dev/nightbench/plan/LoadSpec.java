package dev.nightbench.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load a model is measured under after its latency cells: fixed closed-loop concurrency levels, fixed
 * open-loop request rates (Poisson arrivals), and an optional sweep that steps the load up until the plan's
 * {@link Slo} or error-rate limit breaks. Each level runs either a number of requests or for a time.
 *
 * @param concurrency closed-loop levels: that many workers, each sending its next request when the previous one
 *                    finished; in plan order, distinct
 * @param rates       open-loop levels in requests per second; in plan order, distinct
 * @param requests    requests per level, or null when levels are bounded by {@code duration}
 * @param duration    time per level (no request is started after it), or null when bounded by {@code requests}
 * @param sweep       the sweep, or null
 * @param promptsFrom the {@code prompts_from:} / {@code synthetic:} source whose prompts the load cells cycle, or null
 *                    for every prompt of the plan
 */
public record LoadSpec(List<Integer> concurrency, List<Double> rates, Integer requests, Duration duration,
                       Sweep sweep, String promptsFrom) {

    public static final LoadSpec NONE = new LoadSpec(List.of(), List.of(), null, null, null);

    public static final String CONCURRENCY = "concurrency";
    public static final String RATE = "rate";

    public LoadSpec {
        concurrency = concurrency == null ? List.of() : List.copyOf(concurrency);
        rates = rates == null ? List.of() : List.copyOf(rates);
    }

    /** A load that cycles every prompt of the plan. */
    public LoadSpec(List<Integer> concurrency, List<Double> rates, Integer requests, Duration duration, Sweep sweep) {
        this(concurrency, rates, requests, duration, sweep, null);
    }

    /** True when the model gets no load cells. */
    public boolean isEmpty() {
        return concurrency.isEmpty() && rates.isEmpty() && sweep == null;
    }

    /**
     * Steps the load up from {@code start}, multiplying by {@code factor}, up to and including {@code max}; the
     * first level at which an SLO or the error-rate limit breaks stops it, and the levels above are skipped.
     *
     * @param mode     {@value #CONCURRENCY} or {@value #RATE}
     * @param start    first level (whole for concurrency)
     * @param factor   multiplier between levels, above 1
     * @param max      last level (whole for concurrency); always tried unless the sweep stopped before
     * @param requests requests per level, or null when bounded by {@code duration}
     * @param duration time per level, or null when bounded by {@code requests}
     */
    public record Sweep(String mode, double start, double factor, double max, Integer requests, Duration duration) {

        /**
         * The levels in order: start, start·factor, start·factor², … below max, then max. Concurrency levels are
         * rounded to whole numbers (duplicates after rounding are dropped); rates are kept to 3 decimals.
         */
        public List<Double> levels() {
            List<Double> levels = new ArrayList<>();
            double level = start;
            while (level < max - 1e-9 && levels.size() < 1_000) {
                add(levels, level);
                level *= factor;
            }
            add(levels, max);
            return List.copyOf(levels);
        }

        private void add(List<Double> levels, double level) {
            double rounded = CONCURRENCY.equals(mode) ? Math.round(level) : Math.round(level * 1000) / 1000.0;
            if (levels.isEmpty() || levels.getLast() < rounded) {
                levels.add(rounded);
            }
        }
    }
}
