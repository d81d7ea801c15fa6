package dev.nightbench.measure;

import java.util.ArrayList;
import java.util.List;

/**
 * Flags the figures of one streamed request that the client could not have measured truthfully (METRICS.md,
 * "Figures the client could not measure truthfully"), from the arrival of every token chunk. All rules and
 * thresholds live here.
 *
 * <p>Why: a client that reads a whole buffered answer in one late burst (a server or proxy that buffers, a client
 * thread that was not scheduled) records TTFT ≈ E2E, and its decode rate then describes how fast the client parsed
 * the buffer (tens of thousands of tokens/s), not how fast the server generated. Such a row stays stored, flagged;
 * the aggregates leave its {@code tpot_ms} and {@code decode_tps} out and count it.
 *
 * <p>The rules, over the token chunks (non-empty content or reasoning_content) in arrival order:
 * <ul>
 *   <li><b>{@value #BURST}</b>: the answer has at least {@value #BURST_MIN_TOKENS} output tokens, and one
 *       <em>read</em> (a run of consecutive chunks each arriving less than {@value #SAME_READ_GAP_MS} ms after the
 *       previous one: the time to parse chunks out of one socket read, far below any generation step) holds more
 *       than {@value #BURST_SHARE} of the answer's text, with at least two chunks (or the whole answer in its only
 *       chunk), and arrived after a stall: the wait before the read (since the previous chunk, or since t0 for
 *       the first) is at least {@value #STALL_MIN_MS} ms and at least {@value #STALL_FACTOR} times the read's own
 *       span. A server that sends several tokens per chunk with its chunks spread over time has no such read.</li>
 *   <li><b>{@value #IMPLAUSIBLE_DECODE}</b>: {@code decode_tps} above tokens per chunk × 1000 /
 *       {@value #MIN_CHUNK_GAP_MS}, where tokens per chunk = max(1, (output_tokens − 1) / (chunks − 1)): no server
 *       emits the chunks of one answer faster than one every {@value #MIN_CHUNK_GAP_MS} ms (10,000 chunks/s;
 *       the fastest published per-request decode rates are a few thousand tokens/s), so a faster rate was made by
 *       the client's reading, whatever the tokens per chunk.</li>
 * </ul>
 */
public final class Plausibility {

    /** Flag: most of the answer arrived in one read after a stall. */
    public static final String BURST = "burst";
    /** Flag: decode_tps above what the chunk gaps allow. */
    public static final String IMPLAUSIBLE_DECODE = "implausible_decode";

    /** Shorter answers are never a burst: a few tokens legitimately fit in one read. */
    public static final int BURST_MIN_TOKENS = 8;
    /** Chunks closer than this came out of one socket read. */
    static final double SAME_READ_GAP_MS = 0.25;
    /** A burst read holds more than this share of the answer's text (characters of content and reasoning). */
    static final double BURST_SHARE = 0.5;
    /** The wait before a burst read is at least this long ... */
    static final double STALL_MIN_MS = 1.0;
    /** ... and at least this many times the read's own span. */
    static final double STALL_FACTOR = 4.0;
    /** No server emits the chunks of one answer faster than one every this many ms. */
    public static final double MIN_CHUNK_GAP_MS = 0.1;

    private static final double NANOS_PER_MS = 1_000_000.0;

    private Plausibility() {
    }

    /**
     * The flags of one streamed attempt, {@link #BURST} before {@link #IMPLAUSIBLE_DECODE}; empty when none.
     *
     * @param t0           nano time of t0
     * @param chunkNanos   arrival (nano time) of each token chunk, in order; only the first {@code chunks} count
     * @param chunkChars   characters of content and reasoning in each token chunk
     * @param chunks       token chunks received
     * @param outputTokens the request's output_tokens (usage, or the chunk count), or null
     * @param decodeTps    the request's decode_tps, or null
     */
    public static List<String> flags(long t0, long[] chunkNanos, int[] chunkChars, int chunks, Integer outputTokens,
                                     Double decodeTps) {
        return flags(t0, chunkNanos, chunkChars, chunks, outputTokens, decodeTps, true);
    }

    /**
     * As {@link #flags(long, long[], int[], int, Integer, Double)}; with {@code chunksAreReads} false (an in-process
     * provider stamps each token as the model yields it, so there is no read to burst out of: a tiny model's tokens
     * 0.2 ms apart after a 1 ms prefill are generation, not a buffer) the {@link #BURST} rule does not apply.
     */
    public static List<String> flags(long t0, long[] chunkNanos, int[] chunkChars, int chunks, Integer outputTokens,
                                     Double decodeTps, boolean chunksAreReads) {
        List<String> flags = new ArrayList<>(2);
        if (chunksAreReads && outputTokens != null && outputTokens >= BURST_MIN_TOKENS && chunks >= 1
                && burst(t0, chunkNanos, chunkChars, chunks)) {
            flags.add(BURST);
        }
        if (decodeTps != null && outputTokens != null && chunks >= 2) {
            double tokensPerChunk = Math.max(1.0, (outputTokens - 1) / (double) (chunks - 1));
            if (decodeTps > tokensPerChunk * 1000.0 / MIN_CHUNK_GAP_MS) {
                flags.add(IMPLAUSIBLE_DECODE);
            }
        }
        return List.copyOf(flags);
    }

    private static boolean burst(long t0, long[] at, int[] chars, int n) {
        long totalChars = 0;
        for (int i = 0; i < n; i++) {
            totalChars += chars[i];
        }
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i < n && (at[i] - at[i - 1]) / NANOS_PER_MS < SAME_READ_GAP_MS) {
                continue;
            }
            int end = i - 1; // the read is chunks start..end
            if (end > start || n == 1) {
                long readChars = 0;
                for (int k = start; k <= end; k++) {
                    readChars += chars[k];
                }
                double share = totalChars > 0 ? readChars / (double) totalChars : (end - start + 1) / (double) n;
                double waitMs = (at[start] - (start == 0 ? t0 : at[start - 1])) / NANOS_PER_MS;
                double spanMs = (at[end] - at[start]) / NANOS_PER_MS;
                if (share > BURST_SHARE && waitMs >= STALL_MIN_MS && waitMs >= STALL_FACTOR * spanMs) {
                    return true;
                }
            }
            start = i;
        }
        return false;
    }
}
