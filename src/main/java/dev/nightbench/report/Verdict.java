package dev.nightbench.report;

import java.util.Locale;

/** What a comparison concluded. Stored lower-case in {@code comparisons.verdict}. */
enum Verdict {
    /** The median moved against the user by more than the threshold, beyond noise. */
    REGRESSED,
    /** The median moved for the user by more than the threshold, beyond noise. */
    IMPROVED,
    /** Within the threshold, within noise, or too few samples to tell (see {@link Comparison#insufficientData()}). */
    UNCHANGED;

    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Verdict ofColumn(String column) {
        return valueOf(column.toUpperCase(Locale.ROOT));
    }
}
