package dev.nightbench.report;

/** The figures a run is compared on, named as in METRICS.md, and which way is better for the user. */
enum Metric {
    TTFT_MS("ttft_ms", false),
    TPOT_MS("tpot_ms", false),
    E2E_MS("e2e_ms", false),
    DECODE_TPS("decode_tps", true),
    SUCCESS_RATE("success_rate", true);

    private final String column;
    private final boolean higherIsBetter;

    Metric(String column, boolean higherIsBetter) {
        this.column = column;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name in METRICS.md, the schema and the {@code comparisons.metric} column. */
    String column() {
        return column;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    static Metric ofColumn(String column) {
        for (Metric m : values()) {
            if (m.column.equals(column)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric " + column);
    }
}
