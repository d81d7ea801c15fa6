package dev.nightbench.client.sim;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A built-in simulated model: lognormal time to first token, lognormal time per token, one word per token,
 * optionally failing a share of requests. Deterministic: the answer (length and words) depends only on the seed,
 * the model and the prompt, as with temperature 0; the timings and failures depend on the seed, the model and the
 * request's index, so a run is repeatable and two runs with the same plan see the same "weather". A model with
 * prefix cache ({@link PrefixCache}) reports the prompt tokens it served in {@code usage.prompt_tokens_details} and
 * spends {@link Profile#prefillMsPerToken()} only on the others, so a long shared prefix is slow once, then fast.
 * A model with {@link Profile#slots() slots} also slows down under load: each answer's delays are stretched by the number of
 * answers then in progress ÷ slots, so a load sweep finds its limit.
 */
final class StatisticalModel implements SimModel {

    /**
     * @param ttftMedianMs     median time to first token
     * @param perTokenMedianMs median time between tokens
     * @param failureRate      share of requests that fail (80 % HTTP 503, 20 % truncated stream)
     * @param slots            requests the model serves at full speed at once; beyond that every delay of a new
     *                         request grows in proportion (active requests ÷ slots, like a server whose batch is
     *                         full); 0 = unlimited
     * @param prefillMsPerToken time to first token added per prompt token not served from the model's
     *                         {@link PrefixCache} (prefill); 0 = none
     */
    record Profile(String name, double ttftMedianMs, double perTokenMedianMs, double failureRate, int slots,
                   double prefillMsPerToken) {

        Profile(String name, double ttftMedianMs, double perTokenMedianMs, double failureRate, int slots) {
            this(name, ttftMedianMs, perTokenMedianMs, failureRate, slots, 0);
        }

        Profile(String name, double ttftMedianMs, double perTokenMedianMs, double failureRate) {
            this(name, ttftMedianMs, perTokenMedianMs, failureRate, 0);
        }
    }

    static final int MIN_WORDS = 20;
    static final int MAX_WORDS = 60;
    private static final double TTFT_SIGMA = 0.25;
    private static final double TOKEN_SIGMA = 0.2;
    private static final double SHARE_OF_FAILURES_AS_503 = 0.8;
    private static final double ERROR_LATENCY_MEDIAN_MS = 15;

    private final Profile profile;
    /**
     * Test hook: system property multiplying the delays of the models created while it is set (default 1), so a
     * test whose assertions do not depend on the simulated latencies runs its plan faster ({@code SimTimeScale}):
     * a factor for every model ({@code 0.25}) or factors by model, as {@value SimulatedModels#SLOWDOWN_ENV}.
     */
    static final String TIME_SCALE_PROPERTY = "nightbench.sim.time-scale";

    private final double slowdown;
    private final double timeScale;
    private final long seed;
    /** Server nano times at which the answers in progress end (models with slots only). */
    private final PriorityQueue<Long> busyUntil = new PriorityQueue<>();
    private final PrefixCache prefixCache = new PrefixCache();

    StatisticalModel(Profile profile, double slowdown, long seed) {
        if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown must be a positive number: " + slowdown);
        }
        this.profile = profile;
        this.slowdown = slowdown;
        String scale = System.getProperty(TIME_SCALE_PROPERTY, "1");
        this.timeScale = scale.contains("=") ? SimulatedModels.parseSlowdown(scale).getOrDefault(profile.name(), 1.0)
                : Double.parseDouble(scale);
        this.seed = seed;
    }

    double slowdown() {
        return slowdown;
    }

    @Override
    public Script respond(SimRequest request) {
        double load = profile.slots() > 0 ? occupancy() : 1;
        Script script = respond(request, load);
        if (profile.slots() > 0) {
            release(script);
        }
        return script;
    }

    /** Active answers (this one included) ÷ slots, at least 1. */
    private double occupancy() {
        long now = System.nanoTime();
        synchronized (busyUntil) {
            while (!busyUntil.isEmpty() && busyUntil.peek() - now <= 0) {
                busyUntil.poll();
            }
            return Math.max(1, (busyUntil.size() + 1) / (double) profile.slots());
        }
    }

    /** Books the answer's time: it keeps a slot busy until its last scripted step. */
    private void release(Script script) {
        long total = script.endingDelayNanos() + script.delayNanos();
        for (Script.Step step : script.steps()) {
            total += step.delayNanos();
        }
        synchronized (busyUntil) {
            busyUntil.add(System.nanoTime() + total);
        }
    }

    private Script respond(SimRequest request, double load) {
        int nameHash = profile.name().hashCode();
        SplittableRandom answer = new SplittableRandom(mix(seed, nameHash, request.promptText().hashCode()));
        SplittableRandom weather = new SplittableRandom(mix(seed, nameHash, request.index()) ^ 0x5DEECE66DL);

        int wanted = MIN_WORDS + answer.nextInt(MAX_WORDS - MIN_WORDS + 1);
        wanted = Math.max(wanted, request.minTokens()); // ignore_eos / min_tokens: write on to the length asked for
        int limit = request.maxTokens() == null ? Integer.MAX_VALUE : Math.max(1, request.maxTokens());
        int words = Math.min(wanted, limit);
        String finishReason = words < wanted ? "length" : "stop";

        boolean fails = profile.failureRate() > 0 && weather.nextDouble() < profile.failureRate();
        if (fails && weather.nextDouble() < SHARE_OF_FAILURES_AS_503) {
            return Script.status(503)
                    .body("{\"error\":{\"message\":\"" + profile.name() + " is overloaded (simulated)\","
                            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                    .after(scaled(lognormal(weather, ERROR_LATENCY_MEDIAN_MS, TTFT_SIGMA), 1));
        }
        int sent = fails ? 1 + weather.nextInt(Math.max(1, words / 2)) : words;
        int promptTokens = request.promptWords();
        int cached = request.cachePrompt() ? prefixCache.lookUpAndStore(request.messages()) : 0; // llama.cpp's cache_prompt
        double prefillMs = profile.prefillMsPerToken() * (promptTokens - cached);

        Script.StreamBuilder stream = Script.stream().role();
        for (int i = 0; i < sent; i++) {
            double ms = i == 0
                    ? lognormal(weather, profile.ttftMedianMs(), TTFT_SIGMA) + prefillMs
                    : lognormal(weather, profile.perTokenMedianMs(), TOKEN_SIGMA);
            String word = SimText.WORDS[answer.nextInt(SimText.WORDS.length)];
            stream.delay(scaled(ms, load)).content(i == 0 ? capitalise(word) : " " + word);
        }
        if (fails) {
            return stream.end();
        }
        stream.finish(finishReason);
        if (request.includeUsage() || !request.stream()) {
            stream.usage(promptTokens, words, cached);
        }
        return stream.done();
    }

    private Duration scaled(double ms, double load) {
        return Duration.ofNanos(Math.round(ms * slowdown * timeScale * load * 1_000_000));
    }

    private static double lognormal(SplittableRandom rng, double median, double sigma) {
        return median * Math.exp(sigma * rng.nextGaussian());
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static long mix(long seed, int a, int b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + b;
        return h ^ (h >>> 29);
    }
}
