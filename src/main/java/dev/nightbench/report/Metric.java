package dev.nightbench.report;

/** The figures a run is compared on, named as in METRICS.md, and which way is better for the user. */
enum Metric {
    TTFT_MS("ttft_ms", false),
    TPOT_MS("tpot_ms", false),
    E2E_MS("e2e_ms", false),
    DECODE_TPS("decode_tps", true),
    SUCCESS_RATE("success_rate", true),
    /**
     * Share of a model's (answer, check) pairs that passed its prompts' answer checks (V10 {@code checked_answers},
     * issue 12): compared like {@link #SUCCESS_RATE}, with Fisher's exact test on passes and fails, and only when
     * both sides have checked answers.
     */
    CHECK_PASS_RATE("check_pass_rate", true),
    /**
     * The judge's 1-5 scores of one rubric criterion (V12 {@code judged_scores}, issue 12), per model with all prompts
     * pooled: compared on the scores with Mann-Whitney U, the threshold applied to the mean score, one comparison per
     * criterion ({@link Comparison#criterion()}), and only for criteria scored on both sides. Lower is worse.
     */
    JUDGE_SCORE("judge_score", true);

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

    /** True for the proportions compared with Fisher's exact test rather than on per-request samples. */
    boolean proportion() {
        return this == SUCCESS_RATE || this == CHECK_PASS_RATE;
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
