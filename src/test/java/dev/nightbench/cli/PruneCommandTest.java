package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.report.ReportService;
import dev.nightbench.store.Retention;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 4 on a real PostgreSQL: three runs of jobs/quality-demo.yaml (answers, check results, judge verdicts and
 * scores, simulated telemetry), the first two moved 200 days into the past. Then, in order: bad input exits 2; a dry run
 * counts exactly what the two old runs hold and deletes nothing; a prune stopped by its batch limit commits whole
 * batches and leaves the rest consistent, and a second prune finishes with exactly the dry run's counts, summaries and
 * comparisons kept; the pruned run's report still renders and says so; the whole-run mode removes the runs and leaves
 * a STARTED run alone.
 */
@ExtendWith(SimTimeScale.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PruneCommandTest extends JobTestSupport {

    private static final List<String> PER_REQUEST = List.of("requests", "answers", "check_results", "judge_verdicts",
            "judge_scores", "telemetry_samples");
    private static final List<String> KEPT = List.of("runs", "run_models", "summaries", "comparisons", "run_prompts");

    @Autowired
    Commands commands;
    @Autowired
    Retention retention;
    @Autowired
    ReportService reports;
    @Autowired
    Environment environment;
    @Autowired
    dev.nightbench.store.RunStore runStore;

    private static long first;
    private static long second;
    private static long third;
    private static Map<String, Long> dryCounts;

    @BeforeEach
    void threeRunsTwoOfThemOld() {
        if (third != 0) {
            return;
        }
        for (int day = 1; day <= 3; day++) {
            Outcome o = commands.run(new PlanLoader().loadWithSnapshot(Path.of("jobs/quality-demo.yaml")),
                    LocalDate.of(2026, 6, day), null, false, false, line -> { });
            assertThat(o.exitCode()).as(o.lines().toString()).isIn(Cli.OK, Cli.REGRESSION);
        }
        List<Long> ids = jdbc.sql("SELECT run_id FROM runs ORDER BY run_id").query(Long.class).list();
        first = ids.get(0);
        second = ids.get(1);
        third = ids.get(2);
        jdbc.sql("UPDATE runs SET started_at = started_at - interval '200 days' WHERE run_id IN (?, ?)")
                .params(first, second).update();
    }

    @Test
    @Order(1)
    void badInputExits2WithAMessageNamingTheOption() {
        assertThat(cli("prune", "--older-than", "5x")).startsWith("2:").contains("--older-than '5x' is not an age like 180d");
        assertThat(cli("prune")).startsWith("2:").contains("--older-than AGE is required");
        assertThat(cli("prune", "--older-than", "0d")).startsWith("2:").contains("'0d' is not an age");
        assertThat(cli("prune", "--older-than", "180d", "--batch-size", "0")).startsWith("2:")
                .contains("--batch-size must be a positive whole number, not '0'");
        assertThat(cli("prune", "--older-than", "180d", "--keep")).startsWith("2:").contains("unknown option '--keep'");
    }

    @Test
    @Order(2)
    void aDryRunCountsExactlyWhatTheOldRunsHoldAndDeletesNothing() {
        Map<String, Long> before = counts(List.of(first, second));
        assertThat(before.get("requests")).isPositive();
        assertThat(before.get("answers")).isPositive();
        assertThat(before.get("check_results")).isPositive();
        assertThat(before.get("judge_scores")).isPositive();
        Map<String, Long> all = counts(List.of(first, second, third));

        Retention.Result r = retention.prune(request(true, true, 10_000, 0));

        assertThat(r.runs()).containsExactly(first, second);
        for (String table : PER_REQUEST) {
            assertThat(r.deleted().get(table)).as(table).isEqualTo(before.get(table));
        }
        assertThat(counts(List.of(first, second, third))).isEqualTo(all);
        dryCounts = r.deleted();
    }

    @Test
    @Order(3)
    void aPruneStoppedMidWayCommitsWholeBatchesAndASecondOneFinishes() {
        Map<String, Long> kept = counts(KEPT, List.of(first, second));
        var listed = runStore.find(second).orElseThrow();
        Map<String, Long> third0 = counts(List.of(third));
        long requests = dryCounts.get("requests");

        Retention.Result stopped = retention.prune(request(true, false, 7, 3));

        assertThat(stopped.finished()).isFalse();
        assertThat(stopped.deleted().get("requests")).isEqualTo(21);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id IN (?, ?)", first, second)).isEqualTo(requests - 21);
        assertThat(count("SELECT count(*) FROM runs WHERE run_id = ? AND requests_pruned_at IS NOT NULL", first)).isOne();
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ?", second)).as("not reached yet")
                .isEqualTo(count("SELECT count(*) FROM requests WHERE run_id = ?", third));

        Retention.Result rest = retention.prune(request(true, false, 10_000, 0));

        assertThat(rest.finished()).isTrue();
        assertThat(rest.runs()).containsExactly(first, second);
        for (String table : PER_REQUEST) {
            assertThat(stopped.deleted().get(table) + rest.deleted().get(table)).as(table).isEqualTo(dryCounts.get(table));
            assertThat(count("SELECT count(*) FROM " + table + " WHERE run_id IN (?, ?)", first, second)).as(table).isZero();
        }
        assertThat(counts(KEPT, List.of(first, second))).isEqualTo(kept);
        var listedAfter = runStore.find(second).orElseThrow(); // 'nightbench runs' counts from the summaries now
        assertThat(listedAfter.okRequests()).isEqualTo(listed.okRequests()).isPositive();
        assertThat(listedAfter.failedRequests()).isEqualTo(listed.failedRequests());
        assertThat(counts(List.of(third))).isEqualTo(third0);
        assertThat(retention.prune(request(true, false, 10_000, 0)).runs()).as("nothing left to prune").isEmpty();
    }

    @Test
    @Order(4)
    void thePrunedRunsReportRendersFromItsSummariesAndSaysSo() throws Exception {
        long comparisons = count("SELECT count(*) FROM comparisons WHERE run_id = ?", second);
        assertThat(comparisons).isPositive();

        Path dir = reports.write(second);

        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("Requests pruned").contains("sim-fast").contains("sim-large");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("Requests pruned");
        assertThat(count("SELECT count(*) FROM comparisons WHERE run_id = ?", second)).as("stored comparison kept")
                .isEqualTo(comparisons);
        assertThat(count("SELECT count(*) FROM model_trend WHERE run_id = ?", second)).isPositive();
        assertThat(Files.readString(reports.write(third).resolve("report.md"))).doesNotContain("Requests pruned");
    }

    @Test
    @Order(5)
    void withoutKeepSummariesWholeRunsGoButAStartedRunIsLeftAlone() {
        jdbc.sql("UPDATE runs SET status = 'STARTED', started_at = started_at - interval '200 days' WHERE run_id = ?")
                .param(third).update();
        Map<String, Long> third0 = counts(List.of(third));

        String printed = cli("prune", "--older-than", "180d");

        assertThat(printed).startsWith("0:").contains("Pruned 2 run(s)").contains("summaries included")
                .contains("Left alone, still STARTED: run(s) [" + third + "]");
        assertThat(count("SELECT count(*) FROM runs WHERE run_id IN (?, ?)", first, second)).isZero();
        assertThat(count("SELECT count(*) FROM summaries WHERE run_id IN (?, ?)", first, second)).isZero();
        assertThat(counts(List.of(third))).isEqualTo(third0);
    }

    private static Retention.Request request(boolean keepSummaries, boolean dryRun, int batchSize, long maxBatches) {
        return new Retention.Request(java.time.Duration.ofDays(180), keepSummaries ? Retention.Mode.KEEP_SUMMARIES
                : Retention.Mode.WHOLE_RUNS, dryRun, batchSize, maxBatches);
    }

    /** The command line as a user types it, on this class's database: "exit code: stdout stderr". */
    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String url = environment.getProperty("spring.datasource.url");
        int code = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), name -> switch (name) {
                    case "NIGHTBENCH_DB_URL" -> url;
                    case "NIGHTBENCH_DB_USER" -> "postgres";
                    default -> null;
                }).execute(args);
        return code + ": " + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Long> counts(List<Long> runs) {
        return counts(PER_REQUEST, runs);
    }

    private Map<String, Long> counts(List<String> tables, List<Long> runs) {
        Map<String, Long> n = new LinkedHashMap<>();
        for (String table : tables) {
            n.put(table, jdbc.sql("SELECT count(*) FROM " + table + " WHERE run_id = ANY (?)")
                    .param(runs.toArray(Long[]::new)).query(Long.class).single());
        }
        return n;
    }
}
