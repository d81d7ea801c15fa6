package dev.nightbench.cli;

import dev.nightbench.store.RunStore.ModelTally;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines the console prints about what a run's requests went through beside ok and failed: retries (attempts per
 * request, by error type, time lost to backoff), reconnects and plausibility flags. Why: a run whose requests all
 * ended ok after a retry each looks perfect in a success rate, while every request waited a backoff; the console
 * says so instead of hiding it.
 */
final class Tallies {

    private Tallies() {
    }

    static long skipped(List<ModelTally> tallies) {
        return tallies.stream().mapToLong(ModelTally::skipped).sum();
    }

    /** "27/30": requests retried of requests sent, for the {@code runs} listing. */
    static String retried(List<ModelTally> tallies) {
        long retried = tallies.stream().mapToLong(ModelTally::retriedRequests).sum();
        long sent = tallies.stream().mapToLong(ModelTally::sent).sum();
        return retried + "/" + sent;
    }

    /** The run's retry line, then one line per model that retried, reconnected or was flagged. */
    static List<String> lines(List<ModelTally> tallies) {
        List<String> lines = new ArrayList<>();
        long sent = tallies.stream().mapToLong(ModelTally::sent).sum();
        if (sent == 0) {
            return lines;
        }
        long retried = tallies.stream().mapToLong(ModelTally::retriedRequests).sum();
        long attempts = tallies.stream().mapToLong(ModelTally::attempts).sum();
        long reconnects = tallies.stream().mapToLong(ModelTally::reconnects).sum();
        double backoff = tallies.stream().mapToDouble(ModelTally::backoffMs).sum();
        lines.add(String.format(Locale.ROOT, "  Retries: %d of %d requests retried, %.2f attempts per request, %s "
                + "waited in backoff, %d reconnects.", retried, sent, attempts / (double) sent, seconds(backoff),
                reconnects));
        for (ModelTally t : tallies) {
            if (t.retriedRequests() > 0 || t.reconnects() > 0) {
                lines.add(String.format(Locale.ROOT, "  RETRIES %s: %d of %d requests retried%s, %.2f attempts per "
                                + "request, %s backoff, %d reconnects%s", t.modelAlias(), t.retriedRequests(), t.sent(),
                        t.retriesByError().isEmpty() ? "" : " (" + t.retriesByError() + ")",
                        t.attempts() / (double) t.sent(), seconds(t.backoffMs()), t.reconnects(),
                        t.mostlyRetried() ? ": MOST REQUESTS NEEDED A RETRY" : ""));
            }
            if (t.flagged() > 0) {
                lines.add(String.format(Locale.ROOT, "  FLAGGED %s: %d of %d ok requests read in a burst or with an "
                        + "impossible decode rate; their decode_tps and tpot_ms are left out of the aggregates",
                        t.modelAlias(), t.flagged(), t.ok()));
            }
        }
        return lines;
    }

    private static String seconds(double ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }
}
