package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.cli.Outcome.Status;
import dev.nightbench.report.RunComparer;
import dev.nightbench.report.RunComparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code nightbench compare A B} or {@code nightbench compare --label L1 --label L2}: run B (the candidate) against run
 * A (the baseline) with the nightly comparison's statistics ({@link RunComparer}), printed or written as Markdown,
 * HTML or CSV. The command line is checked before Spring starts; run ids and labels that do not exist are usage
 * errors too (exit 2), found once the database is up. Nothing is written to the database.
 */
final class CompareCommand {

    static final String USAGE = """
            Usage: nightbench compare A B [--format md|html|csv] [--out FILE] [--fail-on-regression]
                   nightbench compare --label LABEL_A --label LABEL_B [...]
              Compares run B (the candidate) with run A (the baseline) with the nightly comparison's statistics
              (Mann-Whitney U on latency, throughput and judge scores, Fisher's exact test on success and check pass
              rates, Benjamini-Hochberg per family; nightbench.report.threshold and .alpha), on the models and prompts
              (same text) both runs have, and lists what differed: plan hash and settings, host, CPU, memory, JVM,
              GPU, model targets and server versions. --label picks the newest COMPLETED run with each label
              ('run --label'); the first is A. Writes nothing to the database.
              --format F              md (default), html or csv (one line per comparison)
              --out FILE              write there instead of stdout
              --fail-on-regression    exit 3 when B regressed against A (naming what regressed)
            """;

    enum Format { MD, HTML, CSV }

    /** A checked command line: two run ids, or two labels. */
    record Request(Long a, Long b, String labelA, String labelB, Format format, Path out, boolean failOnRegression) {
    }

    private CompareCommand() {
    }

    /** Checks the command line: a {@link UsageException} (exit 2) for anything wrong. */
    static Request parse(List<String> rest) {
        List<String> labels = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) { // --label may repeat, which Args does not allow
            String arg = rest.get(i);
            if (arg.equals("--label")) {
                if (i + 1 >= rest.size()) {
                    throw new UsageException("option --label needs a value", USAGE);
                }
                labels.add(rest.get(++i));
            } else if (arg.startsWith("--label=")) {
                labels.add(arg.substring("--label=".length()));
            } else {
                others.add(arg);
            }
        }
        Args args = Args.parse("compare", others, Set.of("format", "out"), Set.of("fail-on-regression"), 2, USAGE);
        Format format;
        try {
            format = Format.valueOf(args.options().getOrDefault("format", "md").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--format must be md, html or csv, not '" + args.option("format") + "'", USAGE);
        }
        Path out = args.option("out") == null ? null : Path.of(args.option("out"));
        boolean fail = args.flag("fail-on-regression");
        List<String> ids = args.positional();
        if (!labels.isEmpty()) {
            if (!ids.isEmpty()) {
                throw new UsageException("give two run ids or two --label options, not both", USAGE);
            }
            if (labels.size() != 2) {
                throw new UsageException("--label must be given twice (A, then B), not " + labels.size() + " time(s)",
                        USAGE);
            }
            return new Request(null, null, labels.get(0), labels.get(1), format, out, fail);
        }
        if (ids.size() != 2) {
            throw new UsageException("give two run ids, A (baseline) and B (candidate), or --label A --label B", USAGE);
        }
        return new Request(id(ids.get(0)), id(ids.get(1)), null, null, format, out, fail);
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException("a run id is a number, not '" + text + "'", USAGE);
        }
    }

    static Outcome run(Request request, RunComparer comparer) {
        long a;
        long b;
        if (request.labelA() != null) {
            Optional<Long> ra = comparer.latestCompleted(request.labelA());
            Optional<Long> rb = comparer.latestCompleted(request.labelB());
            if (ra.isEmpty() || rb.isEmpty()) {
                return Outcome.of(Status.BAD_INPUT, Line.err("nightbench compare: no completed run with label '"
                        + (ra.isEmpty() ? request.labelA() : request.labelB()) + "' (see 'nightbench runs'; a run "
                        + "gets one with 'nightbench run --label TEXT')"));
            }
            a = ra.get();
            b = rb.get();
        } else {
            a = request.a();
            b = request.b();
            for (long id : List.of(a, b)) {
                if (!comparer.exists(id)) {
                    return Outcome.of(Status.BAD_INPUT, Line.err("nightbench compare: no run with id " + id
                            + " (see 'nightbench runs')"));
                }
            }
        }
        if (a == b) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench compare: A and B are the same run (" + a
                    + "); compare two different runs"));
        }
        RunComparison comparison = comparer.compare(a, b);
        String text = switch (request.format()) {
            case MD -> comparison.markdown();
            case HTML -> comparison.html();
            case CSV -> comparison.csv();
        };
        Outcome.Builder out = Outcome.builder();
        if (request.out() == null) {
            out.out(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        } else {
            try {
                Path parent = request.out().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(request.out(), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + request.out(), e);
            }
            out.out("Comparison of run " + b + " (B) with run " + a + " (A) written to " + request.out());
        }
        if (request.failOnRegression() && comparison.regressed()) {
            return out.err("Run " + b + " regressed against run " + a + ": " + String.join("; ",
                    comparison.regressions())).end(Status.REGRESSION);
        }
        return out.end(Status.OK);
    }
}
