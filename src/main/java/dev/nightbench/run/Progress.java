package dev.nightbench.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of the measure step: pairs done / total, failures so far (skipped requests, never sent, apart) and an ETA. On a terminal it redraws one
 * line; otherwise (cron, CI, a log file) it logs a line at most every 30 seconds and at the end, so logs are
 * not flooded.
 */
final class Progress {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final boolean terminal;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private final int startDone;

    Progress(boolean terminal, PrintStream out, int alreadyDone) {
        this.terminal = terminal;
        this.out = out;
        this.startDone = alreadyDone;
    }

    void update(int done, int total, long failures) {
        update(done, total, failures, 0);
    }

    /** @param skipped requests recorded as skipped (never sent: their model failed), counted apart from failures */
    void update(int done, int total, long failures, long skipped) {
        long now = System.nanoTime();
        String line = line(done, total, failures, skipped, now);
        if (terminal) {
            out.print("\r" + line + "   ");
            if (done >= total) {
                out.println();
            }
            out.flush();
        } else if (now - lastLogNanos >= LOG_EVERY_NANOS || done >= total) {
            lastLogNanos = now;
            log.info(line);
        }
    }

    String line(int done, int total, long failures, long nowNanos) {
        return line(done, total, failures, 0, nowNanos);
    }

    String line(int done, int total, long failures, long skipped, long nowNanos) {
        int doneHere = done - startDone;
        String eta = "—";
        if (doneHere > 0 && done < total) {
            long perCell = (nowNanos - startNanos) / doneHere;
            eta = format(Duration.ofNanos(perCell * (total - done)));
        } else if (done >= total) {
            eta = "done";
        }
        return String.format("pairs %d/%d (%d%%), failed requests %d%s, ETA %s", done, total,
                total == 0 ? 100 : done * 100 / total, failures, skipped > 0 ? ", skipped " + skipped : "", eta);
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
