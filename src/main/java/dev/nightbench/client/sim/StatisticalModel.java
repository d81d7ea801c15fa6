package dev.nightbench.client.sim;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A built-in simulated model: lognormal time to first token, lognormal time per token, one word per token,
 * optionally failing a share of requests. Deterministic: the answer (length and words) depends only on the seed,
 * the model and the prompt, as with temperature 0; the timings and failures depend on the seed, the model and the
 * request's index, so a run is repeatable and two runs with the same plan see the same "weather".
 */
final class StatisticalModel implements SimModel {

    /**
     * @param ttftMedianMs     median time to first token
     * @param perTokenMedianMs median time between tokens
     * @param failureRate      share of requests that fail (80 % HTTP 503, 20 % truncated stream)
     */
    record Profile(String name, double ttftMedianMs, double perTokenMedianMs, double failureRate) {
    }

    static final int MIN_WORDS = 20;
    static final int MAX_WORDS = 60;
    private static final double TTFT_SIGMA = 0.25;
    private static final double TOKEN_SIGMA = 0.2;
    private static final double SHARE_OF_FAILURES_AS_503 = 0.8;
    private static final double ERROR_LATENCY_MEDIAN_MS = 15;

    private final Profile profile;
    private final double slowdown;
    private final long seed;

    StatisticalModel(Profile profile, double slowdown, long seed) {
        if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown must be a positive number: " + slowdown);
        }
        this.profile = profile;
        this.slowdown = slowdown;
        this.seed = seed;
    }

    double slowdown() {
        return slowdown;
    }

    @Override
    public Script respond(SimRequest request) {
        int nameHash = profile.name().hashCode();
        SplittableRandom answer = new SplittableRandom(mix(seed, nameHash, request.promptText().hashCode()));
        SplittableRandom weather = new SplittableRandom(mix(seed, nameHash, request.index()) ^ 0x5DEECE66DL);

        int wanted = MIN_WORDS + answer.nextInt(MAX_WORDS - MIN_WORDS + 1);
        int limit = request.maxTokens() == null ? Integer.MAX_VALUE : Math.max(1, request.maxTokens());
        int words = Math.min(wanted, limit);
        String finishReason = words < wanted ? "length" : "stop";

        boolean fails = profile.failureRate() > 0 && weather.nextDouble() < profile.failureRate();
        if (fails && weather.nextDouble() < SHARE_OF_FAILURES_AS_503) {
            return Script.status(503)
                    .body("{\"error\":{\"message\":\"" + profile.name() + " is overloaded (simulated)\","
                            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                    .after(scaled(lognormal(weather, ERROR_LATENCY_MEDIAN_MS, TTFT_SIGMA)));
        }
        int sent = fails ? 1 + weather.nextInt(Math.max(1, words / 2)) : words;

        Script.StreamBuilder stream = Script.stream().role();
        for (int i = 0; i < sent; i++) {
            double ms = i == 0
                    ? lognormal(weather, profile.ttftMedianMs(), TTFT_SIGMA)
                    : lognormal(weather, profile.perTokenMedianMs(), TOKEN_SIGMA);
            String word = SimText.WORDS[answer.nextInt(SimText.WORDS.length)];
            stream.delay(scaled(ms)).content(i == 0 ? capitalise(word) : " " + word);
        }
        if (fails) {
            return stream.end();
        }
        stream.finish(finishReason);
        if (request.includeUsage() || !request.stream()) {
            stream.usage(request.promptWords(), words);
        }
        return stream.done();
    }

    private Duration scaled(double ms) {
        return Duration.ofNanos(Math.round(ms * slowdown * 1_000_000));
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
