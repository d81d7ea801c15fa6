package dev.nightbench.cli;

import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 4 on a real PostgreSQL: the same two-model plan run twice with {@code --label gpu-on} and
 * {@code --label gpu-off} against loopback simulated servers, sim-medium 2.5 times slower the second time and one plan
 * setting changed ({@code fail_after}); sim-large is the unchanged model (its 300 ms TTFT keeps a warming JVM's few
 * milliseconds far below the 10 % threshold). Then {@code nightbench compare} through the command line as a user types
 * it: exit 3 naming sim-medium's latency, the reverse direction not regressing, unknown ids and labels exit 2, the
 * environment stored and "What differed" showing the changed setting, each of Markdown, HTML and CSV; and
 * {@code run}/{@code report --baseline}.
 */
class CompareCommandTest extends JobTestSupport {

    @Autowired
    Commands commands;
    @Autowired
    Environment environment;

    @TempDir
    static Path dir;

    private static SimulatedServer normal;
    private static SimulatedServer slowed;
    private static long a;
    private static long b;

    /** Once for the class (the context and its database are the class's): the two labelled runs. */
    @BeforeEach
    void twoLabelledRuns() throws Exception {
        if (a != 0) {
            return;
        }
        normal = new SimulatedServer().withBuiltInModels(Map.of(), 42).start();
        slowed = new SimulatedServer().withBuiltInModels(Map.of("sim-medium", 2.5), 42).start();
        Path on = plan("gpu-on.yaml", normal, 3);
        Path off = plan("gpu-off.yaml", slowed, 5);
        Outcome first = commands.run(new PlanLoader().loadWithSnapshot(on), LocalDate.of(2026, 12, 1), "gpu-on", false,
                false, line -> { });
        assertThat(first.exitCode()).as(first.lines().toString()).isEqualTo(Cli.OK);
        Outcome second = commands.run(new PlanLoader().loadWithSnapshot(off), LocalDate.of(2026, 12, 2), "gpu-off",
                false, false, line -> { });
        assertThat(second.exitCode()).as(second.lines().toString()).isEqualTo(Cli.OK);
        a = jdbc.sql("SELECT run_id FROM runs WHERE label = 'gpu-on'").query(Long.class).single();
        b = jdbc.sql("SELECT run_id FROM runs WHERE label = 'gpu-off'").query(Long.class).single();
    }

    @AfterAll
    static void stopServers() {
        normal.close();
        slowed.close();
    }

    private static Path plan(String name, SimulatedServer server, int failAfter) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                name: compare-demo
                endpoints:
                  - name: local
                    base_url: %s
                models:
                  - alias: sim-large
                  - alias: sim-medium
                prompts:
                  - { id: capital, text: "What is the capital of France?" }
                  - { id: sum, text: "What is 17 + 25?" }
                run:
                  warmup: 1
                  rounds: 5
                  max_tokens: 8
                  fail_after: %d
                telemetry:
                  enabled: false
                """.formatted(server.baseUrl(), failAfter));
        return file;
    }

    /** What the command line printed and how it exited. */
    private record Result(int exit, String out, String err) {
    }

    private Result cli(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("NIGHTBENCH_DB_URL", environment.getProperty("spring.datasource.url"),
                "NIGHTBENCH_DB_USER", "postgres");
        int exit = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get).execute(argv);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSlowedModelRegressesByLabelAndExits3NamingItsMetric() {
        Result r = cli("compare", "--label", "gpu-on", "--label", "gpu-off", "--fail-on-regression");

        assertThat(r.exit()).as(r.err()).isEqualTo(Cli.REGRESSION);
        assertThat(r.err()).contains("Run " + b + " regressed against run " + a + ": ")
                .containsPattern("sim-medium e2e_ms [0-9.]+ ms -> [0-9.]+ ms")
                .doesNotContain("sim-large e2e_ms");
        assertThat(r.out()).contains("# Run " + b + " (B) compared with run " + a + " (A)")
                .contains("Mann-Whitney U").contains("Benjamini");
        // the same comparison without the flag: exit 0, same report
        assertThat(cli("compare", String.valueOf(a), String.valueOf(b)).exit()).isEqualTo(Cli.OK);
        // compare writes nothing: run B's stored comparison is still the one against its automatic baseline
        assertThat(jdbc.sql("SELECT DISTINCT baseline_mode || ' ' || array_to_string(baseline_run_ids, ',') "
                + "FROM comparisons WHERE run_id = ?").param(b).query(String.class).list())
                .containsExactly("previous " + a);
    }

    @Test
    void theReverseDirectionDoesNotRegress() {
        Result r = cli("compare", String.valueOf(b), String.valueOf(a), "--fail-on-regression");

        assertThat(r.exit()).as(r.err()).isEqualTo(Cli.OK);
        assertThat(r.out()).contains("0 regressed").containsPattern("improved.*sim-medium|sim-medium.*improved");
    }

    @Test
    void unknownRunsAndLabelsExit2WithAMessage() {
        Result label = cli("compare", "--label", "gpu-on", "--label", "gpu-maybe");
        assertThat(label.exit()).isEqualTo(Cli.BAD_INPUT);
        assertThat(label.err()).contains("no completed run with label 'gpu-maybe'");

        Result id = cli("compare", String.valueOf(a), "999999");
        assertThat(id.exit()).isEqualTo(Cli.BAD_INPUT);
        assertThat(id.err()).contains("no run with id 999999");

        Result usage = cli("compare", "--label", "gpu-on");
        assertThat(usage.exit()).isEqualTo(Cli.BAD_INPUT);
        assertThat(usage.err()).contains("--label must be given twice");

        assertThat(cli("compare", "1", "2", "--format", "pdf").err()).contains("--format must be md, html or csv");

        Result report = cli("report", String.valueOf(b), "--baseline", "999999");
        assertThat(report.exit()).isEqualTo(Cli.BAD_INPUT);
        assertThat(report.err()).contains("--baseline 999999: no run with id 999999");
    }

    @Test
    void theEnvironmentIsStoredAndWhatDifferedShowsTheChangedSetting() {
        Map<String, Object> env = jdbc.sql("SELECT * FROM run_environment WHERE run_id = ?").param(b).query()
                .singleRow();
        assertThat(env.get("cpu_cores")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat((String) env.get("jvm_version")).contains(System.getProperty("java.runtime.version"));
        assertThat((String) env.get("os")).startsWith(System.getProperty("os.name"));
        if (Files.isReadable(Path.of("/proc/meminfo"))) {
            assertThat((Long) env.get("memory_total_mb")).isPositive();
        }
        assertThat(jdbc.sql("SELECT value FROM run_settings WHERE run_id = ? AND setting = 'run.fail_after'")
                .param(b).query(String.class).single()).isEqualTo("5");

        String md = cli("compare", String.valueOf(a), String.valueOf(b)).out();
        assertThat(md).contains("## What differed");
        String differed = md.substring(md.indexOf("## What differed"));
        assertThat(differed).contains("|`run.fail_after`|3|5|")
                .contains("`model.sim-medium.base_url`")
                .doesNotContain("`run.rounds`").doesNotContain("host.cpu_cores"); // same on both sides
    }

    @Test
    void htmlAndCsvSayTheSame(@TempDir Path out) throws Exception {
        Path html = out.resolve("ab.html");
        Result r = cli("compare", String.valueOf(a), String.valueOf(b), "--format", "html", "--out", html.toString());
        assertThat(r.exit()).isEqualTo(Cli.OK);
        assertThat(r.out()).contains("written to " + html);
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<h2>What differed</h2>")
                .contains("run.fail_after").contains("regressed");

        Result csv = cli("compare", String.valueOf(a), String.valueOf(b), "--format", "csv");
        List<String> lines = csv.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo(String.join(",", List.of("baseline_run_id", "candidate_run_id",
                "model_alias", "prompt_id", "load_mode", "load_level", "metric", "criterion", "baseline_median",
                "candidate_median", "change_pct", "p_value", "p_adjusted", "n_baseline", "n_candidate", "test",
                "verdict")));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(a + "," + b + ",sim-medium,*,serial,")
                .contains(",e2e_ms,").endsWith(",regressed"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("sim-large,*,serial").endsWith(",regressed"));
        // 2 models x (1 pooled + 2 prompts) x (4 latency metrics + success rate)
        assertThat(lines).hasSize(1 + 2 * 3 * 5);
    }

    @Test
    void runAndReportTakeABaseline() {
        Outcome refused = commands.run(new PlanLoader().loadWithSnapshot(dir.resolve("gpu-on.yaml")),
                LocalDate.of(2026, 12, 3), "x", 999999L, false, false, line -> { });
        assertThat(refused.exitCode()).isEqualTo(Cli.BAD_INPUT);
        assertThat(refused.lines().toString()).contains("--baseline 999999: no run with id 999999");

        System.setProperty("nightbench.reports-dir", reports.toString());
        try {
            // B against A, but reported the other way round: A's report with B (the slow one) as its baseline
            Result r = cli("report", String.valueOf(a), "--baseline", String.valueOf(b));
            assertThat(r.exit()).as(r.err()).isEqualTo(Cli.OK);
        } finally {
            System.clearProperty("nightbench.reports-dir");
        }
        assertThat(jdbc.sql("SELECT DISTINCT baseline_mode || ' ' || array_to_string(baseline_run_ids, ',') "
                + "FROM comparisons WHERE run_id = ?").param(a).query(String.class).list())
                .containsExactly("pinned " + b);
        assertThat(count("SELECT count(*) FROM run_comparisons WHERE run_id = ? AND model_alias = 'sim-medium' "
                + "AND metric = 'e2e_ms' AND prompt_id = '*' AND verdict = 'improved'", a)).isEqualTo(1);
    }
}
