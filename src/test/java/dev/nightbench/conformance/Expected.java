package dev.nightbench.conformance;

import dev.nightbench.conformance.ConformanceServer.Event;
import dev.nightbench.measure.Measurement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The METRICS.md figures a truthful client must report for a scripted answer, computed from the server's own
 * schedule (offsets from the request's arrival), and the check of a {@link Measurement} against them.
 *
 * <p>Tolerance: every instant is measured from t0, which precedes the server's arrival, so a measured instant is
 * never below the scripted one (a small allowance covers rounding); above it, up to {@link #TOLERANCE_MS} for a
 * noisy 2-core machine ({@code -Dnightbench.conformance.toleranceMs} to change it). Derived figures (TPOT, decode
 * and E2E rates) are checked twice: exactly consistent with the measured instants, and within the range the
 * tolerance allows around the scripted value.
 */
record Expected(double ttftMs, double ttfoMs, double e2eMs, double lastEventMs, int outputTokens, String tokensSource,
                Integer promptTokens, int chunkCount, double[] gaps, String text, Integer cachedTokens) {

    static final double TOLERANCE_MS = Double.parseDouble(System.getProperty("nightbench.conformance.toleranceMs", "150"));
    private static final double EPS = 0.5;

    static Expected of(List<Event> events) {
        List<Event> tokens = events.stream().filter(e -> e.content() != null || e.reasoning() != null).toList();
        Event firstContent = events.stream().filter(e -> e.content() != null).findFirst().orElseThrow();
        Integer completion = null;
        Integer prompt = null;
        Integer cached = null;
        for (Event e : events) {
            cached = e.cachedTokens() != null ? e.cachedTokens() : cached;
            completion = e.completionTokens() != null ? e.completionTokens() : completion;
            prompt = e.promptTokens() != null ? e.promptTokens() : prompt;
        }
        double[] gaps = new double[tokens.size() - 1];
        for (int i = 1; i < tokens.size(); i++) {
            gaps[i - 1] = tokens.get(i).atMillis() - tokens.get(i - 1).atMillis();
        }
        StringBuilder text = new StringBuilder();
        tokens.forEach(e -> text.append(e.content() == null ? "" : e.content()));
        return new Expected(tokens.getFirst().atMillis(), firstContent.atMillis(), tokens.getLast().atMillis(),
                events.getLast().atMillis(), completion != null ? completion : tokens.size(),
                completion != null ? "usage" : "chunks", prompt, tokens.size(), gaps, text.toString(), cached);
    }

    /**
     * Asserts every METRICS.md figure of {@code m}, all failures reported together. (Plain checks rather than AssertJ's
     * soft assertions, whose proxies cost seconds to generate on a busy machine.)
     */
    void assertMatches(Measurement m, String what) {
        List<String> failures = new ArrayList<>();
        double t = TOLERANCE_MS;
        equal(failures, "status (" + m.errorMessage() + ")", m.status().value(), "ok");
        equal(failures, "error_type", m.errorType(), null);
        equal(failures, "finish_reason", m.finishReason(), "stop");
        equal(failures, "answer text", m.responseText(), text);
        equal(failures, "output_tokens", m.outputTokens(), outputTokens);
        equal(failures, "tokens_source", m.tokensSource(), tokensSource);
        equal(failures, "prompt_tokens", m.promptTokens(), promptTokens);
        equal(failures, "cached_tokens", m.cachedTokens(), cachedTokens);
        equal(failures, "chunk count", m.chunkCount(), chunkCount);
        between(failures, "ttft_ms", m.ttftMs(), ttftMs - EPS, ttftMs + t);
        between(failures, "ttfo_ms", m.ttfoMs(), ttfoMs - EPS, ttfoMs + t);
        between(failures, "e2e_ms", m.e2eMs(), e2eMs - EPS, e2eMs + t);
        between(failures, "total_ms", m.totalMs(), Math.max(lastEventMs - EPS, m.e2eMs() == null ? 0 : m.e2eMs()),
                lastEventMs + t);
        if (m.ttftMs() != null && m.e2eMs() != null) {
            double decode = m.e2eMs() - m.ttftMs();
            double scriptedDecode = e2eMs - ttftMs;
            between(failures, "e2e - ttft", decode, scriptedDecode - t, scriptedDecode + t);
            int n = outputTokens;
            if (n > 1) {
                between(failures, "tpot_ms = (e2e - ttft) / (output_tokens - 1)", m.tpotMs(), decode / (n - 1) - 1e-9,
                        decode / (n - 1) + 1e-9);
                between(failures, "tpot_ms against the schedule", m.tpotMs(), (scriptedDecode - t) / (n - 1),
                        (scriptedDecode + t) / (n - 1));
                if (decode > 0) {
                    double tps = (n - 1) / (decode / 1000);
                    between(failures, "decode_tps = (output_tokens - 1) / (e2e - ttft)", m.decodeTps(), tps - 1e-6,
                            tps + 1e-6);
                    if (scriptedDecode - t > 0) {
                        between(failures, "decode_tps against the schedule", m.decodeTps(),
                                (n - 1) / ((scriptedDecode + t) / 1000), (n - 1) / ((scriptedDecode - t) / 1000));
                    }
                }
            } else {
                equal(failures, "tpot_ms", m.tpotMs(), null);
            }
            double e2eTps = n / (m.e2eMs() / 1000);
            between(failures, "e2e_tps = output_tokens / e2e", m.e2eTps(), e2eTps - 1e-6, e2eTps + 1e-6);
            between(failures, "e2e_tps against the schedule", m.e2eTps(), n / ((e2eMs + t) / 1000),
                    n / (Math.max(e2eMs - EPS, EPS) / 1000));
        }
        if (gaps.length > 0) {
            double[] sorted = gaps.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(gaps).average().orElseThrow();
            between(failures, "gap mean", m.gapMeanMs(), mean - t, mean + t);
            between(failures, "gap p50", m.gapP50Ms(), percentile(sorted, 0.5) - t, percentile(sorted, 0.5) + t);
            between(failures, "gap p95", m.gapP95Ms(), percentile(sorted, 0.95) - t, percentile(sorted, 0.95) + t);
            between(failures, "gap max", m.gapMaxMs(), sorted[sorted.length - 1] - t, sorted[sorted.length - 1] + t);
        }
        assertThat(failures).as(what + ": figures off the server's schedule %s; measured %s", this, m).isEmpty();
    }

    private static void equal(List<String> failures, String name, Object actual, Object expected) {
        if (!java.util.Objects.equals(actual, expected)) {
            failures.add(name + ": expected " + expected + ", got " + actual);
        }
    }

    private static void between(List<String> failures, String name, Double actual, double lo, double hi) {
        if (actual == null || actual < lo || actual > hi) {
            failures.add(name + ": expected in [" + lo + ", " + hi + "], got " + actual);
        }
    }

    /** Linear interpolation, as numpy's default and PostgreSQL's percentile_cont. */
    static double percentile(double[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
