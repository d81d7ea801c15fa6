package dev.nightbench.dashboard;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures a trend page can chart, each a column (or a scaled column) of {@code model_summaries} (serial
 * latency rows, all prompts) or {@code model_quality}: the only SQL a request's {@code metric=} can choose, by name.
 */
enum TrendMetric {
    TTFT_MS_P50("TTFT p50", "ms", "s.ttft_ms_p50", false),
    TTFT_MS_P95("TTFT p95", "ms", "s.ttft_ms_p95", false),
    E2E_MS_P50("End-to-end p50", "ms", "s.e2e_ms_p50", false),
    E2E_MS_P95("End-to-end p95", "ms", "s.e2e_ms_p95", false),
    TPOT_MS_P50("Time per output token p50", "ms", "s.tpot_ms_p50", false),
    DECODE_TPS_P50("Decode speed p50", "tokens/s", "s.decode_tps_p50", true),
    E2E_TPS_MEAN("End-to-end tokens/s, mean", "tokens/s", "s.e2e_tps_mean", true),
    SUCCESS_RATE("Success rate", "%", "s.success_rate * 100", true),
    CHECK_PASS_RATE("Check pass rate", "%", "q.pass_rate * 100", true);

    static final TrendMetric DEFAULT = TTFT_MS_P50;

    private final String label;
    private final String unit;
    private final String sql;
    private final boolean higherIsBetter;

    TrendMetric(String label, String unit, String sql, boolean higherIsBetter) {
        this.label = label;
        this.unit = unit;
        this.sql = sql;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name in links, e.g. {@code ttft_ms_p50}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    String label() {
        return label;
    }

    String unit() {
        return unit;
    }

    String sql() {
        return sql;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    static Optional<TrendMetric> byKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key().equals(key)).findFirst();
    }
}
