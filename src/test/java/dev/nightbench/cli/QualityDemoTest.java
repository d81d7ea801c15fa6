package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.AnnotationStore;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 12's "done when", on {@code jobs/quality-demo.yaml} as shipped, through the {@code run} command on a real
 * PostgreSQL: the simulated judge's scripted verdicts (one of them unparseable every other time) become exact scores
 * with intervals, the report shows them with the pass rates and the lowest-scored answers; the same plan with a
 * judge that finds sim-medium's answers wrong exits 3 naming the judge score; scores imported by hand appear beside
 * the judge's.
 */
@ExtendWith(SimTimeScale.class)
class QualityDemoTest extends JobTestSupport {

    @Autowired
    Commands commands;
    @Autowired
    AnnotationStore annotations;
    @Autowired
    ReportService reportService;

    @TempDir
    Path dir;

    @Test
    void theDemoIsJudgedAWorseJudgementExits3AndHumanScoresStandBesideTheJudges() throws Exception {
        Path demo = Path.of("jobs/quality-demo.yaml");
        Outcome first = commands.run(new PlanLoader().loadWithSnapshot(demo), LocalDate.of(2026, 12, 1), null, true,
                false, line -> { });
        assertThat(first.exitCode()).as(first.lines().toString()).isEqualTo(Cli.OK);
        long run1 = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();

        // the verdicts as scripted in the plan (sum: sim-medium answers 42, 41, 42 in turn; its tagline's second
        // verdict cannot be parsed): means per model and criterion
        assertThat(means(run1)).isEqualTo("""
                sim-fast brevity 21 5.000
                sim-fast coherence 21 5.000
                sim-fast factuality 21 4.857
                sim-fast grounded 3 5.000
                sim-large brevity 21 3.571
                sim-large coherence 21 4.714
                sim-large factuality 21 4.429
                sim-large grounded 3 2.000
                sim-medium brevity 20 3.950
                sim-medium coherence 20 4.300
                sim-medium factuality 20 3.950
                sim-medium grounded 3 1.000""");
        assertThat(jdbc.sql("SELECT model_alias || ' ' || judged || ' ' || ok || ' ' || unparseable || ' ' || failed"
                + " FROM judge_outcomes WHERE run_id = ? ORDER BY 1").param(run1).query(String.class).list())
                .containsExactly("sim-fast 21 21 0 0", "sim-large 21 21 0 0", "sim-medium 21 20 1 0");
        assertThat(jdbc.sql("SELECT verdict || ' / ' || reason FROM judge_verdicts WHERE run_id = ?"
                + " AND status = 'unparseable'").param(run1).query(String.class).single())
                .startsWith("It is a fine tagline, I would give it a four. / ");
        // no judge call is a request: 3 models x (1 warm-up + 7 prompts x 3 rounds)
        assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE run_id = ?").param(run1).query(Integer.class).single())
                .isEqualTo(3 * (1 + 21));

        Path report = ReportDirs.of(reports, "2026-12-01_" + run1).resolve("report.md");
        String md = Files.readString(report);
        assertThat(md).contains("## Quality", "Check pass rate (95 % CI)", "### Lowest-scored answers",
                "Contradicts the context: Saturdays open at 10:00.");
        // sim-medium coherence 4.30 with its t interval (n 20, t(0.975, 19) = 2.093024)
        double sd = Math.sqrt((14 * Math.pow(4 - 4.3, 2) + 6 * Math.pow(5 - 4.3, 2)) / 19);   // 14 fours, 6 fives
        double half = 2.093024 * sd / Math.sqrt(20);
        assertThat(md).contains(String.format(java.util.Locale.ROOT, "4.30 (%.2f – %.2f)", 4.3 - half, 4.3 + half));
        // the lowest-scored answer: sim-medium's context answer, 4 + 1 + 5 + 1 over 4 criteria
        String lowest = md.lines().dropWhile(l -> !l.equals("### Lowest-scored answers")).skip(1)
                .filter(l -> l.startsWith("|sim-")).findFirst().orElseThrow();
        assertThat(lowest).startsWith("|sim-medium|opening|").contains("|2.75|");

        // the same figures in quality.csv, long format
        List<String> csvRows = Files.readAllLines(report.resolveSibling("quality.csv"));
        assertThat(csvRows.getFirst()).isEqualTo("run_id,model_alias,prompt_id,metric,criterion,n,passes,value,ci95_low,"
                + "ci95_high");
        assertThat(csvRows).anySatisfy(l -> assertThat(l).startsWith(run1 + ",sim-medium,*,judge_score,coherence,20,,4.3"))
                .anySatisfy(l -> assertThat(l).startsWith(run1 + ",sim-medium,opening,judge_score,grounded,3,,1.0,"))
                .anySatisfy(l -> assertThat(l).startsWith(run1 + ",sim-fast,*,check_pass_rate,,27,27,1.0,"));

        // scores by hand: export, fill (one rater agrees with the judge on coherence), import, report
        Path csv = dir.resolve("scores.csv");
        assertThat(AnnotateCommand.export(annotations, run1, csv.toString(), reports).status())
                .isEqualTo(Outcome.Status.OK);
        var format = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        java.io.StringWriter filled = new java.io.StringWriter();
        try (var parser = org.apache.commons.csv.CSVParser.parse(csv, java.nio.charset.StandardCharsets.UTF_8, format);
             var printer = new org.apache.commons.csv.CSVPrinter(filled, org.apache.commons.csv.CSVFormat.DEFAULT)) {
            assertThat(parser.getHeaderNames()).containsExactly("request_id", "model", "prompt_id", "prompt", "answer",
                    "coherence", "factuality", "brevity", "grounded", "rater");
            printer.printRecord(parser.getHeaderNames());
            for (var r : parser) {
                if (r.get("model").equals("sim-fast")) {   // the judge gave sim-fast 5 on coherence throughout
                    printer.printRecord(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), "5", "4", "5",
                            r.get("grounded"), "");
                }
            }
        }
        Path mine = Files.writeString(dir.resolve("mine.csv"), filled.toString());
        Outcome imported = AnnotateCommand.importScores(annotations, mine, "ann");
        assertThat(imported.status()).as(imported.lines().toString()).isEqualTo(Outcome.Status.OK);
        String again = Files.readString(reportService.write(run1).resolve("report.md"));
        assertThat(again).contains("## Judge and human scores");
        assertThat(jdbc.sql("SELECT count(*) FROM score_agreement WHERE run_id = ? AND rater = 'ann'").param(run1)
                .query(Integer.class).single()).isEqualTo(3 * 21);

        // the next night the judge finds sim-medium's answers wrong: same prompts, same answers, worse verdicts
        String worse = Files.readString(demo).lines().map(l -> SIM_MEDIUM_VERDICTS.stream().anyMatch(l::startsWith)
                ? l.replaceAll("\"factuality\": \\d", "\"factuality\": 1") : l).collect(Collectors.joining("\n"));
        Path worsePlan = Files.writeString(dir.resolve("quality-demo.yaml"), worse);
        Outcome second = commands.run(new PlanLoader().loadWithSnapshot(worsePlan), LocalDate.of(2026, 12, 2), null,
                true, false, line -> { });

        assertThat(second.exitCode()).as(second.lines().toString()).isEqualTo(Cli.REGRESSION);
        assertThat(second.lines()).anySatisfy(l -> assertThat(l.text())
                .contains("sim-medium judge score factuality 3.95 -> 1.40"));
        long run2 = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        assertThat(jdbc.sql("SELECT current_median FROM run_regressions WHERE run_id = ? AND metric = 'judge_score'"
                + " AND criterion = 'factuality' AND model_alias = 'sim-medium'").param(run2).query(Double.class)
                .single()).isCloseTo(1.4, within(1e-9));
    }

    /** The verdict lines of sim-medium's answers in jobs/quality-demo.yaml (the "42" verdict is sim-fast's too). */
    private static final List<String> SIM_MEDIUM_VERDICTS = List.of("        \"Paris, not Lyon", "        \"41\"",
            "        \"The sky is blue.", "        \"Today is", "        \"```json", "          - '{\"coherence\": 4",
            "        \"It opens at 9:00");

    private String means(long run) {
        return String.join("\n", jdbc.sql("SELECT model_alias || ' ' || criterion || ' ' || n || ' '"
                + " || to_char(mean, 'FM0.000') FROM model_scores WHERE run_id = ? ORDER BY 1").param(run)
                .query(String.class).list());
    }
}
