package dev.nightbench.measure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the answer text one cell holds in memory until its writer stores it. Every answer is kept whole up to
 * {@code run.answer_max_bytes}, and a cell's answers are all in memory until the cell is written, so a load level
 * of thousands of requests could otherwise hold thousands × that bound (10,000 × 64 KiB = 625 MiB, twice that for
 * text outside Latin-1, which Java keeps as UTF-16). Past the budget, the cell's further answers are kept to their
 * first {@link Measurement#PREFIX_CHARS} characters (exactly what {@code requests.response_prefix} keeps,
 * so the prefix is unchanged) and flagged truncated, with one warning per cell.
 *
 * <p>The default budget is a quarter of the heap: with the 64 KiB default it is never reached by answers that
 * {@code max_tokens} keeps to a few KiB. One budget per {@link CellExecutor}; cells run one at a time and
 * {@link #newCell} starts each from zero (the previous cell's result was written and let go before the next cell
 * is read). Thread-safe: a load cell's workers take from it concurrently.
 */
final class AnswerBudget {

    private static final Logger log = LoggerFactory.getLogger(AnswerBudget.class);

    private final long limitBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param limitBytes heap bytes (2 per char, the UTF-16 upper bound) a cell's answers may take */
    AnswerBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    static AnswerBudget quarterOfHeap() {
        return new AnswerBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    void newCell() {
        used.set(0);
        warned.set(false);
    }

    /** The attempt as kept: whole when the cell's budget allows, else its answer cut to the prefix and flagged. */
    Measurement keep(String model, Measurement m) {
        String text = m.responseText();
        if (text == null || text.length() <= Measurement.PREFIX_CHARS) {
            used.addAndGet(text == null ? 0 : 2L * text.length());
            return m;
        }
        long cost = 2L * text.length();
        if (used.addAndGet(cost) <= limitBytes) {
            return m;
        }
        used.addAndGet(Measurement.PREFIX_CHARS * 2L - cost);
        if (warned.compareAndSet(false, true)) {
            log.warn("The answers of this cell of {} passed {} MiB in memory: its further answers are kept to their "
                    + "first {} characters and flagged truncated", model, limitBytes / (1024 * 1024),
                    Measurement.PREFIX_CHARS);
        }
        return m.withResponseCut(text.substring(0, Measurement.PREFIX_CHARS));
    }
}
