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
            case SUCCESS_RATE -> String.format(Locale.ROOT, "%.1f%%", v * 100);
        };
    }

    /** " @ concurrency 4" for load cells, nothing for the serial latency cells. */
    static String load(String loadMode, double loadLevel) {
        return "serial".equals(loadMode) ? "" : " @ " + loadMode + " " + level(loadLevel);
    }

    static String shortHash(String hash) {
        return hash == null ? NONE : hash.substring(0, Math.min(16, hash.length()));
    }
}
