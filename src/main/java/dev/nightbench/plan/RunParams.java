package dev.nightbench.plan;

import java.time.Duration;

/**
 * How the plan is run.
 *
 * @param warmup      warm-up requests per model (recorded, excluded from aggregates)
 * @param rounds      measured requests per model × prompt
 * @param maxTokens   max_tokens sent with every request (per-model params may override)
 * @param temperature sampling temperature, default 0 for repeatable runs
 * @param seed        seed sent to servers that honour it, or null
 * @param stream      stream responses (needed for TTFT); default true
 * @param timeouts    request timeouts
 * @param failAfter   consecutive failed requests after which a model is marked failed and its remaining
 *                    pairs are skipped
 * @param connection  how requests use connections unless an endpoint says otherwise ({@link ConnectionPolicy})
 * @param answerMaxBytes how much of each answer is kept whole ({@code run.answer_max_bytes}), in UTF-8 bytes; an
 *                    answer longer than that is stored cut to it and flagged truncated
 */
public record RunParams(int warmup, int rounds, int maxTokens, double temperature, Long seed, boolean stream,
                        Timeouts timeouts, int failAfter, ConnectionPolicy connection, int answerMaxBytes) {

    /** {@code run.answer_max_bytes} when the plan gives none: 64 KiB. */
    public static final int DEFAULT_ANSWER_MAX_BYTES = 64 * 1024;
    /**
     * The smallest {@code run.answer_max_bytes} a plan may ask for, 8 KiB: at least the 2,000 characters (at most
     * 6,000 UTF-8 bytes) that {@code requests.response_prefix} keeps, so the prefix is always a start of the stored
     * answer and never shorter than it was before whole answers were kept.
     */
    public static final int MIN_ANSWER_MAX_BYTES = 8 * 1024;
    /** The largest {@code run.answer_max_bytes} a plan may ask for: 16 MiB. */
    public static final int MAX_ANSWER_MAX_BYTES = 16 * 1024 * 1024;

    public RunParams {
        if (answerMaxBytes <= 0) {
            throw new IllegalArgumentException("answerMaxBytes must be > 0: " + answerMaxBytes);
        }
    }

    /** With the default answer bound, {@link #DEFAULT_ANSWER_MAX_BYTES}. */
    public RunParams(int warmup, int rounds, int maxTokens, double temperature, Long seed, boolean stream,
                     Timeouts timeouts, int failAfter, ConnectionPolicy connection) {
        this(warmup, rounds, maxTokens, temperature, seed, stream, timeouts, failAfter, connection,
                DEFAULT_ANSWER_MAX_BYTES);
    }

    /** With the default connection policy, keep-alive. */
    public RunParams(int warmup, int rounds, int maxTokens, double temperature, Long seed, boolean stream,
                     Timeouts timeouts, int failAfter) {
        this(warmup, rounds, maxTokens, temperature, seed, stream, timeouts, failAfter, ConnectionPolicy.KEEP_ALIVE);
    }

    public static RunParams defaults() {
        return new RunParams(1, 3, 256, 0.0, 42L, true, Timeouts.defaults(), 3, ConnectionPolicy.KEEP_ALIVE,
                DEFAULT_ANSWER_MAX_BYTES);
    }

    /**
     * @param connect    TCP/TLS connect
     * @param firstToken from t0 to the first content chunk
     * @param idle       longest silence between chunks
     * @param total      whole request
     */
    public record Timeouts(Duration connect, Duration firstToken, Duration idle, Duration total) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                    Duration.ofMinutes(5));
        }
    }
}
