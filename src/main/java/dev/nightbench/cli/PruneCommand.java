package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Status;
import dev.nightbench.store.Retention;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code nightbench prune --older-than AGE [--keep-summaries] [--dry-run]}: retention ({@link Retention}). The command
 * line is checked before Spring starts ({@link #parse}), so bad input exits 2 without touching the database.
 */
final class PruneCommand {

    static final String USAGE = """
            Usage: nightbench prune --older-than AGE [--keep-summaries] [--dry-run] [--batch-size N] [--max-batches N]
              Deletes the history of runs that started more than AGE ago (180d days, 26w weeks, 12h hours), a batch
              of requests per transaction: safe to interrupt, a second prune finishes. Runs still STARTED (running,
              or crashed and waiting for 'nightbench restart') are left alone.
              --keep-summaries  delete only the per-request rows (requests, answers, check results, judge verdicts and
                                scores, human scores, pipeline judgements, raw telemetry samples); keep the run, its
                                summaries, comparisons, load figures and telemetry summary, so 'report' and the trend
                                views still work (the report says the requests were pruned)
                                without it: whole runs go, summaries and comparisons included
              --dry-run         count what would be deleted, delete nothing
              --batch-size N    requests per transaction (default 10000)
              --max-batches N   stop after N batches; the next prune carries on (default: no limit)
            """;

    record Request(Duration olderThan, String age, boolean keepSummaries, boolean dryRun, int batchSize, long maxBatches) {

        Retention.Request retention() {
            return new Retention.Request(olderThan, keepSummaries ? Retention.Mode.KEEP_SUMMARIES
                    : Retention.Mode.WHOLE_RUNS, dryRun, batchSize, maxBatches);
        }
    }

    private PruneCommand() {
    }

    static Request parse(Args args) {
        String age = args.option("older-than");
        if (age == null) {
            throw new UsageException("--older-than AGE is required, e.g. --older-than 180d", USAGE);
        }
        Duration olderThan;
        try {
            olderThan = Retention.age(age);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--older-than " + e.getMessage(), USAGE);
        }
        return new Request(olderThan, age, args.flag("keep-summaries"), args.flag("dry-run"),
                (int) positive(args.option("batch-size"), 10_000, "--batch-size"),
                positive(args.option("max-batches"), 0, "--max-batches"));
    }

    private static long positive(String value, long dflt, String name) {
        if (value == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(value);
            if (n > 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(name + " must be a positive whole number, not '" + value + "'", USAGE);
    }

    static Outcome run(Request request, Retention retention) {
        long started = System.nanoTime();
        Retention.Result r = retention.prune(request.retention());
        double seconds = (System.nanoTime() - started) / 1e9;
        Outcome.Builder out = Outcome.builder();
        String what = request.keepSummaries() ? " the requests of" : "";
        out.out(String.format(Locale.ROOT, "%s%s %d run(s) that started before %s (older than %s)%s",
                request.dryRun() ? "Dry run: would prune" : "Pruned", what, r.runs().size(), r.cutoff(), request.age(),
                request.keepSummaries() ? "; summaries, comparisons and report inputs kept" : ", summaries included"));
        for (Map.Entry<String, Long> e : r.deleted().entrySet()) {
            out.out(String.format(Locale.ROOT, "  %-20s %,12d", e.getKey(), e.getValue()));
        }
        out.out(String.format(Locale.ROOT, "  %-20s %,12d rows%s in %.1f s", "total", r.total(),
                request.dryRun() ? " (nothing deleted)" : "", seconds));
        if (!r.left().isEmpty()) {
            out.out("Left alone, still STARTED: run(s) " + r.left() + " (running, or crashed: 'nightbench restart' them)");
        }
        if (!r.finished()) {
            out.out("Stopped after " + request.maxBatches() + " batch(es) (--max-batches): run 'nightbench prune' again "
                    + "to finish.");
        }
        return out.end(Status.OK);
    }
}
