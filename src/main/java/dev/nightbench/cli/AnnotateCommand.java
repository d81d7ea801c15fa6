package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.cli.Outcome.Status;
import dev.nightbench.store.AnnotationStore;
import dev.nightbench.store.AnnotationStore.Rubric;
import dev.nightbench.store.AnnotationStore.RunCriterion;
import dev.nightbench.store.AnnotationStore.ScorableAnswer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code nightbench annotate export RUN_ID [--out FILE]} and {@code nightbench annotate import FILE --rater NAME}:
 * scores by hand. Export writes the run's scorable answers with an empty column per criterion ({@link AnnotateCsv});
 * import checks the whole filled file first ({@link AnnotateImport}) and stores it in one transaction, or nothing.
 * Everything about the command line is checked before Spring starts ({@link #parse}), so a usage error costs no
 * database.
 */
final class AnnotateCommand {

    static final String USAGE = """
            Usage: nightbench annotate export RUN_ID [--out FILE]
                   nightbench annotate import FILE --rater NAME
              export   Writes a CSV of the run's measured answers (successful, final, latency rounds) to score by
                       hand: request_id, model, prompt_id, prompt, answer, one empty column per criterion of the
                       run's rubric (n/a where it does not apply), rater. Default FILE: reports/annotate-RUN_ID.csv;
                       --out - writes to stdout.
              import   Stores the file's scores (whole numbers 1-5; empty or n/a: no score) as NAME's, all or nothing:
                       every problem is printed as FILE:LINE: ... and a file with any stores nothing (exit 2).
                       Importing again as the same rater replaces that rater's scores of the listed answers (an
                       emptied cell removes the earlier score). A filled rater column must say NAME.
            """;

    /** A checked command line. */
    sealed interface Request permits Export, Import {
    }

    /** @param out the file to write, "-" for stdout, or null for the default under the reports directory */
    record Export(long runId, String out) implements Request {
    }

    record Import(Path file, String rater) implements Request {
    }

    private AnnotateCommand() {
    }

    /** The sub-command and its options, checked: a {@link UsageException} (exit 2) for anything wrong. */
    static Request parse(Args args) {
        List<String> positional = args.positional();
        if (positional.isEmpty()) {
            throw new UsageException("say export or import", USAGE);
        }
        String what = positional.getFirst();
        if (positional.size() < 2) {
            throw new UsageException(switch (what) {
                case "export" -> "export needs a RUN_ID";
                case "import" -> "import needs a FILE";
                default -> "unknown sub-command '" + what + "' (export or import)";
            }, USAGE);
        }
        String arg = positional.get(1);
        return switch (what) {
            case "export" -> {
                if (args.option("rater") != null) {
                    throw new UsageException("--rater is for import", USAGE);
                }
                try {
                    yield new Export(Long.parseLong(arg), args.option("out"));
                } catch (NumberFormatException e) {
                    throw new UsageException("RUN_ID must be a number, not '" + arg + "'", USAGE);
                }
            }
            case "import" -> {
                if (args.option("out") != null) {
                    throw new UsageException("--out is for export", USAGE);
                }
                String rater = args.option("rater") == null ? "" : args.option("rater").strip();
                if (rater.isEmpty()) {
                    throw new UsageException("import needs --rater NAME (who gave these scores)", USAGE);
                }
                Path file = Path.of(arg);
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new UsageException("no readable file '" + arg + "'", USAGE);
                }
                yield new Import(file, rater);
            }
            default -> throw new UsageException("unknown sub-command '" + what + "' (export or import)", USAGE);
        };
    }

    static Outcome run(Request request, AnnotationStore store, Path reportsDir) {
        return switch (request) {
            case Export e -> export(store, e.runId(), e.out(), reportsDir);
            case Import i -> importScores(store, i.file(), i.rater());
        };
    }

    static Outcome export(AnnotationStore store, long runId, String out, Path reportsDir) {
        if (!store.runExists(runId)) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench annotate: no run with id " + runId));
        }
        Rubric rubric = store.rubric(runId);
        List<ScorableAnswer> answers = store.answers(runId);
        StringBuilder csv = new StringBuilder();
        try {
            AnnotateCsv.write(csv, rubric.criteria(), answers);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        String criteria = String.join(", ", rubric.criteria().stream().map(RunCriterion::name).toList())
                + (rubric.recorded() ? "" : ", the default rubric: the run had no judge");
        if ("-".equals(out)) {
            return Outcome.builder().out(csv.toString().stripTrailing())
                    .err(String.format("%d answers of run %d (criteria: %s).", answers.size(), runId, criteria))
                    .end(Status.OK);
        }
        Path file = out != null ? Path.of(out) : reportsDir.resolve("annotate-" + runId + ".csv");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench annotate: cannot write " + file + ": "
                    + e.getMessage()));
        }
        return Outcome.builder()
                .out(String.format("Wrote %d answers of run %d to %s (criteria: %s).", answers.size(), runId, file,
                        criteria))
                .out("Score each answer 1-5 per criterion (leave a cell empty for no score), then: "
                        + "nightbench annotate import " + file + " --rater NAME")
                .end(Status.OK);
    }

    static Outcome importScores(AnnotationStore store, Path file, String rater) {
        String name = file.toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return Outcome.of(Status.BAD_INPUT, Line.err(name + ": not UTF-8 text; save the file as CSV UTF-8. "
                    + "Nothing stored."));
        } catch (IOException e) {
            return Outcome.of(Status.BAD_INPUT, Line.err("nightbench annotate: cannot read " + name + ": "
                    + e.getMessage()));
        }
        AnnotateCsv.Table table;
        try {
            table = AnnotateCsv.read(text);
        } catch (AnnotateCsv.MalformedException e) {
            return Outcome.of(Status.BAD_INPUT, Line.err(name + ":" + e.line() + ": " + e.getMessage()),
                    Line.err("nightbench annotate: " + name + " was not imported; nothing stored."));
        }
        AnnotateImport checks = new AnnotateImport(name, rater);
        AnnotateImport.Checked checked = checks.check(table, store);
        if (checked == null) {
            Outcome.Builder err = Outcome.builder();
            List<String> errors = checks.errors();
            errors.forEach(err::err);
            return err.err(String.format("nightbench annotate: %d problem%s in %s; nothing stored.", errors.size(),
                    errors.size() == 1 ? "" : "s", name)).end(Status.BAD_INPUT);
        }
        AnnotationStore.Stored stored = store.store(checked.runId(), checked.rubric(), rater,
                file.getFileName().toString(), checked.cells());
        return Outcome.of(Status.OK, Line.out(String.format("Stored %d score%s by '%s' for run %d from %s%s.",
                stored.stored(), stored.stored() == 1 ? "" : "s", rater, checked.runId(), name,
                stored.cleared() == 0 ? "" : " (" + stored.cleared() + " earlier score"
                        + (stored.cleared() == 1 ? "" : "s") + " removed by empty cells)")));
    }
}
