package dev.nightbench.report;

import java.util.Locale;

/** How figures read in reports: fixed decimals, ROOT locale (a decimal point whatever the host's locale). */
final class Format {

    static final String NONE = "—";

    private Format() {
    }

    static String ms(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String num(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.1f", v);
    }

    static String level(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.2f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    /** A share in whole percent with a space, e.g. {@code 20 %}. */
    static String percent(double v) {
        return String.format(Locale.ROOT, "%.0f %%", v * 100);
    }

    /** A share with one decimal, e.g. {@code 2.5 %}; a dash for null. */
    static String share(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    /** A rate per second with one decimal (two below 10), e.g. {@code 12.4 req/s}. */
    static String perSecond(Double v, String unit) {
        return v == null ? NONE : String.format(Locale.ROOT, v < 10 ? "%.2f %s" : "%.1f %s", v, unit);
    }

    /** Two latencies as "p50 / p95 ms", e.g. {@code 120.4 / 180.9 ms}. */
    static String msPair(Double p50, Double p95) {
        if (p50 == null && p95 == null) {
            return NONE;
        }
        return (p50 == null ? NONE : String.format(Locale.ROOT, "%.1f", p50)) + " / "
                + (p95 == null ? NONE : String.format(Locale.ROOT, "%.1f", p95)) + " ms";
    }

    /**
     * A mean in ms with the half-width of its 95 % confidence interval, e.g. {@code 412 ms ± 18} (one decimal below
     * 100 ms: {@code 41.2 ms ± 1.8}); just the mean when there is no interval (fewer than two samples).
     */
    static String meanCi(Double mean, Double halfWidth) {
        if (mean == null) {
            return NONE;
        }
        String pattern = Math.abs(mean) >= 100 ? "%.0f" : "%.1f";
        String m = String.format(Locale.ROOT, pattern, mean) + " ms";
        if (halfWidth == null || halfWidth.isNaN()) {
            return m;
        }
        // an interval narrower than the mean's last digit still shows as such, not as "± 0"
        String hw = String.format(Locale.ROOT, halfWidth < 1 && pattern.equals("%.0f") ? "%.1f" : pattern, halfWidth);
        return m + " ± " + hw;
    }

    /** A coefficient of variation in percent, e.g. {@code CV 6 %}. */
    static String cv(Double cv) {
        return cv == null || cv.isNaN() ? null : String.format(Locale.ROOT, "CV %.0f %%", cv * 100);
    }

    static String cost(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.4f", v);
    }

    /** A signed relative change, e.g. {@code +31.2 %} or {@code −4.0 %}. */
    static String change(Double pct) {
        if (pct == null) {
            return NONE;
        }
        if (Math.abs(pct) < 0.05) {
            return "0.0 %"; // not "−0.0 %"
        }
        String s = String.format(Locale.ROOT, "%+.1f %%", pct);
        return s.startsWith("-") ? "−" + s.substring(1) : s;
    }

    static String p(Double p) {
        if (p == null) {
            return NONE;
        }
        return p < 0.0001 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", p);
    }

    /** A median as its metric is written: ms, tokens/s or a percentage. */
    static String value(Metric metric, Double v) {
        if (v == null) {
            return NONE;
        }
        return switch (metric) {
            case TTFT_MS, TPOT_MS, E2E_MS -> ms(v);
            case DECODE_TPS -> num(v) + " tok/s";
            case SUCCESS_RATE, CHECK_PASS_RATE -> String.format(Locale.ROOT, "%.1f%%", v * 100);
            case JUDGE_SCORE -> score(v);
        };
    }

    /** "concurrency 4" or "rate 20 req/s". */
    static String describeLoad(String loadMode, double loadLevel) {
        return "rate".equals(loadMode) ? "rate " + level(loadLevel) + " req/s" : loadMode + " " + level(loadLevel);
    }

    /** " @ concurrency 4" for load cells, nothing for the serial latency cells. */
    /** A mean judge score (1-5), two decimals: "4.67". */
    static String score(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.2f", v);
    }

    static String load(String loadMode, double loadLevel) {
        return "serial".equals(loadMode) ? "" : " @ " + loadMode + " " + level(loadLevel);
    }

    static String shortHash(String hash) {
        return hash == null ? NONE : hash.substring(0, Math.min(16, hash.length()));
    }
}
