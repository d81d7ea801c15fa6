package dev.nightbench.cli;

import dev.nightbench.plan.PromptSpec;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.AnnotationStore;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scores by hand against a real PostgreSQL: two runs of src/test/resources/plans/quality-demo-no-judge.yaml (the quality
 * demo before it had a judge: 3 models x 6 prompts x 3 rounds, no judge), exported, filled in here, imported; every malformed file is refused with its line and stores nothing.
 */
@ExtendWith(SimTimeScale.class)
class AnnotateTest extends JobTestSupport {

    private static final List<String> DEFAULT_CRITERIA = List.of("coherence", "factuality", "brevity");

    private static Long runA;
    private static Long runB;

    @TempDir
    Path dir;

    @Autowired
    AnnotationStore store;
    @Autowired
    ReportService reportService;
    @Autowired
    Environment environment;

    private long runA() throws Exception {
        if (runA == null) {
            runA = launchDemo();
        }
        return runA;
    }

    /** A second run whose prompt 'colour' is stored as a prompt with context (its text as PromptSpec builds it). */
    private long runB() throws Exception {
        if (runB == null) {
            runB = launchDemo();
            String text = "user: " + PromptSpec.groundedQuestion(List.of("The sky is blue."), "Which colour is the sky?")
                    + "\n"; // as PromptSpec.canonicalText stores a prompt with context
            String sha = "f".repeat(64);
            jdbc.sql("INSERT INTO prompts (text_sha256, text) VALUES (?, ?)").params(sha, text).update();
            jdbc.sql("UPDATE run_prompts SET text_sha256 = ? WHERE run_id = ? AND prompt_id = 'colour'")
                    .params(sha, runB).update();
        }
        return runB;
    }

    private long launchDemo() throws Exception {
        JobExecution e = launch(Path.of("src/test/resources/plans/quality-demo-no-judge.yaml"));
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return runId(e);
    }

    private AnnotateCsv.Table export(long runId) throws Exception {
        Path file = dir.resolve("annotate-" + runId + ".csv");
        Outcome o = AnnotateCommand.export(store, runId, file.toString(), reports);
        assertThat(o.status()).as(o.lines().toString()).isEqualTo(Outcome.Status.OK);
        return AnnotateCsv.read(Files.readString(file));
    }

    /** Writes a CSV file of {@code header} and {@code rows} under the test directory. */
    private Path write(String name, List<String> header, List<List<String>> rows) throws Exception {
        StringWriter w = new StringWriter();
        try (var csv = new org.apache.commons.csv.CSVPrinter(w, org.apache.commons.csv.CSVFormat.DEFAULT)) {
            csv.printRecord(header);
            for (List<String> r : rows) {
                csv.printRecord(r);
            }
        }
        Path file = dir.resolve(name);
        Files.writeString(file, w.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static List<List<String>> values(AnnotateCsv.Table t) {
        List<List<String>> out = new ArrayList<>();
        for (AnnotateCsv.Row r : t.rows()) {
            List<String> row = new ArrayList<>();
            t.header().forEach(h -> row.add(r.get(h)));
            out.add(row);
        }
        return out;
    }

    private static int score(int row, int criterion) {
        return (row * 7 + criterion * 3) % 5 + 1;
    }

    @Test
    void exportListsEveryScorableAnswerInPlanOrderWithEmptyScoreColumns() throws Exception {
        long run = runA();
        AnnotateCsv.Table t = export(run);

        assertThat(t.header()).containsExactly("request_id", "model", "prompt_id", "prompt", "answer", "coherence",
                "factuality", "brevity", "rater");
        // 3 models x 6 prompts x 3 rounds; warm-up answers are not scored
        assertThat(t.rows()).hasSize(54);
        assertThat(count("SELECT count(*) FROM requests r JOIN answers a USING (request_id) WHERE r.run_id = ?"
                + " AND r.phase = 'measure' AND r.is_final AND r.status = 'ok' AND r.load_mode = 'serial'", run))
                .isEqualTo(54);
        AnnotateCsv.Row first = t.rows().getFirst();
        assertThat(first.get("model")).isEqualTo("sim-fast");
        assertThat(first.get("prompt_id")).isEqualTo("capital");
        assertThat(first.get("prompt")).isEqualTo("user: What is the capital of France? Answer in one sentence.");
        assertThat(first.get("answer")).isEqualTo("The capital of France is Paris.");
        assertThat(t.rows().get(3).get("prompt_id")).isEqualTo("sum");
        assertThat(t.rows().get(18).get("model")).isEqualTo("sim-medium");
        // the whole answer, with its line breaks, as stored
        AnnotateCsv.Row fenced = t.rows().stream().filter(r -> r.get("model").equals("sim-medium")
                && r.get("prompt_id").equals("city-json")).findFirst().orElseThrow();
        assertThat(fenced.get("answer")).isEqualTo(jdbc.sql("SELECT text FROM answers WHERE request_id = ?")
                .param(Long.parseLong(fenced.get("request_id"))).query(String.class).single()).contains("\n");
        for (AnnotateCsv.Row r : t.rows()) {
            for (String c : List.of("coherence", "factuality", "brevity", "rater")) {
                assertThat(r.get(c)).isEmpty();
            }
        }
        // a multi-line record is followed by the right line number: every row's line is after the previous one's
        for (int i = 1; i < t.rows().size(); i++) {
            assertThat(t.rows().get(i).line()).isGreaterThan(t.rows().get(i - 1).line());
        }
        assertThat(count("SELECT count(*) FROM run_criteria WHERE run_id = ?", run)).as("export stores nothing").isZero();
    }

    @Test
    void filledScoresAreStoredAndTheSameRaterImportingAgainReplacesThem() throws Exception {
        long run = runA();
        AnnotateCsv.Table t = export(run);
        List<List<String>> rows = values(t);
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < 3; c++) {
                rows.get(i).set(5 + c, Integer.toString(score(i, c)));
            }
        }
        rows.get(0).set(8, "alice"); // a filled rater column naming --rater is fine
        Path file = write("filled.csv", t.header(), rows);

        Outcome o = AnnotateCommand.importScores(store, file, "alice");

        assertThat(o.status()).as(o.lines().toString()).isEqualTo(Outcome.Status.OK);
        assertThat(o.lines().getFirst().text()).startsWith("Stored 162 scores by 'alice' for run " + run);
        assertThat(count("SELECT count(*) FROM human_scores WHERE run_id = ? AND rater = 'alice'", run)).isEqualTo(162);
        // the default rubric was recorded as the run's criteria, in order
        assertThat(jdbc.sql("SELECT criterion FROM run_criteria WHERE run_id = ? ORDER BY position").param(run)
                .query(String.class).list()).containsExactlyElementsOf(DEFAULT_CRITERIA);
        for (int i : new int[] {0, 17, 53}) {
            long id = Long.parseLong(rows.get(i).get(0));
            for (int c = 0; c < 3; c++) {
                assertThat(count("SELECT score FROM human_scores WHERE request_id = ? AND criterion = ? AND rater = ?",
                        id, DEFAULT_CRITERIA.get(c), "alice")).isEqualTo(score(i, c));
            }
        }
        assertThat(jdbc.sql("SELECT DISTINCT source FROM human_scores WHERE run_id = ?").param(run)
                .query(String.class).list()).containsExactly("filled.csv");

        // again as alice: one score changed, one cell emptied (her earlier score goes), prompt and answer dropped
        List<String> header = List.of("request_id", "model", "prompt_id", "coherence", "factuality");
        List<List<String>> again = new ArrayList<>();
        for (List<String> r : rows.subList(0, 2)) {
            again.add(new ArrayList<>(List.of(r.get(0), r.get(1), r.get(2), r.get(5), r.get(6))));
        }
        again.get(0).set(3, "5");
        again.get(1).set(4, "");
        Outcome o2 = AnnotateCommand.importScores(store, write("again.csv", header, again), "alice");

        assertThat(o2.status()).as(o2.lines().toString()).isEqualTo(Outcome.Status.OK);
        assertThat(o2.lines().getFirst().text()).contains("Stored 3 scores").contains("1 earlier score removed");
        long id0 = Long.parseLong(rows.get(0).get(0));
        long id1 = Long.parseLong(rows.get(1).get(0));
        assertThat(count("SELECT score FROM human_scores WHERE request_id = ? AND criterion = 'coherence'"
                + " AND rater = 'alice'", id0)).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM human_scores WHERE request_id = ? AND criterion = 'factuality'"
                + " AND rater = 'alice'", id1)).isZero();
        // brevity was not in the file: untouched
        assertThat(count("SELECT score FROM human_scores WHERE request_id = ? AND criterion = 'brevity'"
                + " AND rater = 'alice'", id0)).isEqualTo(score(0, 2));
        assertThat(count("SELECT count(*) FROM human_scores WHERE run_id = ? AND rater = 'alice'", run)).isEqualTo(161);

        // another rater's scores stand beside alice's
        Outcome bob = AnnotateCommand.importScores(store, write("bob.csv", header, again), "bob");
        assertThat(bob.status()).isEqualTo(Outcome.Status.OK);
        assertThat(count("SELECT count(*) FROM human_scores WHERE run_id = ?", run)).isEqualTo(161 + 3);
    }

    @Test
    void everyMalformedFileIsRefusedWithItsLineAndStoresNothing() throws Exception {
        long a = runA();
        long b = runB();
        AnnotateCsv.Table t = export(b);
        List<List<String>> rows = values(t);
        long fromA = Long.parseLong(values(export(a)).get(5).get(0));
        long warmUp = count("SELECT min(request_id) FROM requests WHERE run_id = ? AND phase = 'warmup'", b);
        long before = count("SELECT count(*) FROM human_scores");
        long criteriaBefore = count("SELECT count(*) FROM run_criteria");

        // the file's line of data row i is i + 2 (header on line 1) unless an earlier answer spans lines
        Map<String, Object[]> cases = new java.util.LinkedHashMap<>();
        cases.put("bad request id", new Object[] {edit(rows, 1, 0, "99999999"), 3, "no request with id 99999999"});
        cases.put("score 7", new Object[] {edit(rows, 2, 5, "7"), 4, "coherence: '7' is not a whole score 1-5"});
        cases.put("score 4.5", new Object[] {edit(rows, 2, 6, "4.5"), 4, "factuality: '4.5' is not a whole score"});
        cases.put("wrong run", new Object[] {edit(rows, 3, 0, Long.toString(fromA)), 5, "request " + fromA
                + " is of run " + a + ", not run " + b});
        cases.put("not scorable", new Object[] {edit(rows, 0, 0, Long.toString(warmUp)), 2, "request " + warmUp
                + " is not a scorable answer"});
        cases.put("duplicate", new Object[] {edit(rows, 4, 0, rows.get(1).get(0)), 6, "request " + rows.get(1).get(0)
                + " is also on line 3"});
        cases.put("other rater", new Object[] {edit(rows, 1, 9, "bob"), 3, "rater 'bob' is not --rater 'alice'"});
        cases.put("model edited", new Object[] {edit(rows, 1, 1, "sim-large"), 3, "the row says model 'sim-large'"});
        cases.put("grounded off context", new Object[] {edit(rows, 0, 8, "4"), 2,
                "grounded is scored only on answers to prompts with context; prompt 'capital' has none"});
        for (var c : cases.entrySet()) {
            @SuppressWarnings("unchecked")
            List<List<String>> edited = (List<List<String>>) c.getValue()[0];
            Path file = write(c.getKey().replace(' ', '-') + ".csv", t.header(), edited);
            assertRefused(file, c.getValue()[1] + ": " + c.getValue()[2]);
        }

        List<String> noModel = new ArrayList<>(t.header());
        noModel.set(1, "modell");
        assertRefused(write("no-model.csv", noModel, scored(rows)), "1: missing column 'model'");
        List<String> unknown = new ArrayList<>(t.header());
        unknown.set(7, "helpfulness");
        assertRefused(write("unknown-criterion.csv", unknown, scored(rows)),
                "1: column 'helpfulness' is not a criterion of run " + b);
        Path notCsv = dir.resolve("quote.csv");
        Files.writeString(notCsv, "request_id,model,prompt_id,coherence\n1,a,\"p,3\n");
        assertRefused(notCsv, ": not valid CSV");

        // several problems: all reported, in line order
        List<List<String>> many = edit(edit(scored(rows), 4, 5, "0"), 1, 0, "x");
        Outcome o = AnnotateCommand.importScores(store, write("many.csv", t.header(), many), "alice");
        assertThat(o.status()).isEqualTo(Outcome.Status.BAD_INPUT);
        assertThat(o.lines()).extracting(Outcome.Line::text).containsExactly(
                dir.resolve("many.csv") + ":3: request_id 'x' is not a request id (a whole number)",
                dir.resolve("many.csv") + ":6: coherence: '0' is not a whole score 1-5 (leave it empty for no score)",
                "nightbench annotate: 2 problems in " + dir.resolve("many.csv") + "; nothing stored.");

        assertThat(count("SELECT count(*) FROM human_scores")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM run_criteria")).as("rubric not recorded").isEqualTo(criteriaBefore);
    }

    @Test
    void aRunWithAContextPromptIsScoredOnGroundedThereOnly() throws Exception {
        long b = runB();
        AnnotateCsv.Table t = export(b);

        assertThat(t.header()).containsExactly("request_id", "model", "prompt_id", "prompt", "answer", "coherence",
                "factuality", "brevity", "grounded", "rater");
        for (AnnotateCsv.Row r : t.rows()) {
            assertThat(r.get("grounded")).as(r.get("prompt_id"))
                    .isEqualTo(r.get("prompt_id").equals("colour") ? "" : "n/a");
        }
        List<List<String>> rows = scored(values(t));
        for (int i = 0; i < rows.size(); i++) {
            if (t.rows().get(i).get("prompt_id").equals("colour")) {
                rows.get(i).set(8, "2");
            }
        }
        Outcome o = AnnotateCommand.importScores(store, write("grounded.csv", t.header(), rows), "carol");

        assertThat(o.status()).as(o.lines().toString()).isEqualTo(Outcome.Status.OK);
        assertThat(count("SELECT count(*) FROM human_scores WHERE run_id = ? AND criterion = 'grounded'", b))
                .isEqualTo(9); // 3 models x 3 rounds of 'colour'
        assertThat(jdbc.sql("SELECT context_only FROM run_criteria WHERE run_id = ? AND criterion = 'grounded'")
                .param(b).query(Boolean.class).single()).isTrue();
    }

    @Test
    void theReportComparesJudgeAndHumanScoresOfTheSameAnswers() throws Exception {
        long run = launchDemo(); // its own run: no other rater's scores
        AnnotateCsv.Table t = export(run);
        List<List<String>> rows = values(t);
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < 3; c++) {
                rows.get(i).set(5 + c, Integer.toString(score(i, c)));
            }
        }
        Outcome o = AnnotateCommand.importScores(store, write("dave.csv", t.header(), rows), "dave");
        assertThat(o.status()).as(o.lines().toString()).isEqualTo(Outcome.Status.OK);
        // the judge (rows as the judge step writes them) agrees on coherence and is one point harsher on brevity
        for (int i = 0; i < 6; i++) {
            long id = Long.parseLong(rows.get(i).get(0));
            jdbc.sql("INSERT INTO judge_verdicts (request_id, run_id, status, prompt, verdict, attempts)"
                    + " VALUES (?, ?, 'ok', 'p', 'v', 1)").params(id, run).update();
            jdbc.sql("INSERT INTO judge_scores (request_id, run_id, criterion, score) VALUES (?, ?, 'coherence', ?)")
                    .params(id, run, score(i, 0)).update();
            jdbc.sql("INSERT INTO judge_scores (request_id, run_id, criterion, score) VALUES (?, ?, 'brevity', ?)")
                    .params(id, run, Math.max(1, score(i, 2) - 1)).update();
        }

        String md = Files.readString(reportService.write(run).resolve("report.md"));

        assertThat(md).contains("## Judge and human scores");
        assertThat(md).containsPattern("\\|coherence\\|6\\|[0-9.]+\\|[0-9.]+\\|1\\.00\\|1\\.00\\|");
        assertThat(md).containsPattern("\\|brevity\\|6\\|");
        assertThat(md).contains("|Model|Prompt|Round|Rater|coherence|brevity|Answer (prefix)|");
        assertThat(md.indexOf("## Judge and human scores")).isLessThan(md.indexOf("## Trends"));
    }

    @Test
    void theCommandLineExportsAndImportsThroughTheConfiguredDatabase() throws Exception {
        long run = runA();
        Path file = dir.resolve("cli.csv");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("NIGHTBENCH_DB_URL", environment.getProperty("spring.datasource.url"),
                        "NIGHTBENCH_DB_USER", "postgres")::get);

        assertThat(cli.execute(new String[] {"annotate", "export", Long.toString(run), "--out", file.toString()}))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("Wrote 54 answers of run " + run + " to " + file)
                .contains("criteria: coherence, factuality, brevity");
        List<List<String>> rows = scored(values(AnnotateCsv.read(Files.readString(file))));
        rows.get(2).set(5, "9");
        rows.get(4).set(6, "good");
        List<String> header = AnnotateCsv.read(Files.readString(file)).header();
        Path bad = write("cli-bad.csv", header, rows);

        assertThat(cli.execute(new String[] {"annotate", "import", bad.toString(), "--rater", "erin"})).isEqualTo(2);
        assertThat(err.toString()).contains(bad + ":4: coherence: '9' is not a whole score 1-5")
                .contains(bad + ":6: factuality: 'good' is not a whole score 1-5")
                .contains("2 problems in " + bad + "; nothing stored.");
        assertThat(count("SELECT count(*) FROM human_scores WHERE rater = 'erin'")).isZero();

        rows.get(2).set(5, "5");
        rows.get(4).set(6, "");
        out.reset();
        assertThat(cli.execute(new String[] {"annotate", "import", write("cli-good.csv", header, rows).toString(),
                "--rater", "erin"})).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Stored 161 scores by 'erin' for run " + run);
        assertThat(count("SELECT count(*) FROM human_scores WHERE rater = 'erin'")).isEqualTo(161);
    }

    /** Rows with every criterion scored 3 (and n/a kept where the export put it). */
    private static List<List<String>> scored(List<List<String>> rows) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            List<String> copy = new ArrayList<>(r);
            for (int c = 5; c < 8; c++) {
                copy.set(c, "3");
            }
            out.add(copy);
        }
        return out;
    }

    private static List<List<String>> edit(List<List<String>> rows, int row, int column, String value) {
        List<List<String>> out = scored(rows);
        for (int i = 0; i < rows.size(); i++) { // keep earlier edits: copy the cells scored() would overwrite
            for (int c = 5; c < 8; c++) {
                if (!rows.get(i).get(c).isEmpty()) {
                    out.get(i).set(c, rows.get(i).get(c));
                }
            }
        }
        out.get(row).set(column, value);
        return out;
    }

    private void assertRefused(Path file, String lineAndMessage) {
        long before = count("SELECT count(*) FROM human_scores");
        Outcome o = AnnotateCommand.importScores(store, file, "alice");
        assertThat(o.status()).as(file.getFileName().toString()).isEqualTo(Outcome.Status.BAD_INPUT);
        assertThat(o.lines()).as(file.getFileName().toString()).allMatch(Outcome.Line::toStderr);
        assertThat(o.lines().getFirst().text()).as(file.getFileName().toString())
                .startsWith(file + ":" + lineAndMessage.substring(0, lineAndMessage.indexOf(':')))
                .contains(lineAndMessage.substring(lineAndMessage.indexOf(':') + 2));
        assertThat(o.lines().getLast().text()).contains("nothing stored");
        assertThat(count("SELECT count(*) FROM human_scores")).isEqualTo(before);
    }
}
