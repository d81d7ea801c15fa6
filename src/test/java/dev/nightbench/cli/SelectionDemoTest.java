package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
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
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 13 items 2 and 3 on {@code jobs/selection-demo.yaml} as shipped, through the {@code run} command on a real
 * PostgreSQL: the six dimensions and cost per model in {@code model_selection}, sim-large excluded by its size,
 * licence and pass rate, sim-fast (local, costed by hardware and energy over its busy time) recommended as the
 * cheapest with sim-medium (a per-token price) the runner-up; the next night, the same plan with a memory limit no
 * model meets says so, naming each model's failures, and the cost trend covers both nights.
 */
@ExtendWith(SimTimeScale.SimLargeOnly.class)   // not sim-fast nor sim-medium: see SimTimeScale
class SelectionDemoTest extends JobTestSupport {

    @Autowired
    Commands commands;

    @TempDir
    Path dir;

    @Test
    void theDemoRecommendsTheCheapestModelWithinItsConstraintsAndSaysWhenNoneMeetsThem() throws Exception {
        Path demo = Path.of("jobs/selection-demo.yaml");
        Outcome first = commands.run(new PlanLoader().loadWithSnapshot(demo), LocalDate.of(2026, 12, 1), null, true,
                false, line -> { });
        assertThat(first.exitCode()).as(first.lines().toString()).isEqualTo(Cli.OK);
        long run = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();

        // the dimensions that do not depend on timing, exactly (no server telemetry on the simulator: size_mb)
        assertThat(jdbc.sql("""
                SELECT model_alias || ' ' || memory_mb || ' ' || memory_source || ' ' || round(pass_rate::numeric, 3)
                       || ' ' || disk_mb || ' ' || licence || ' ' || licence_source || ' ' || cost_basis || ' ' || currency
                FROM model_selection WHERE run_id = ? ORDER BY ordinal""").param(run).query(String.class).list())
                .containsExactly("sim-fast 1200 size_mb 1.000 1200 apache-2.0 plan hardware+energy EUR",
                        "sim-medium 2500 size_mb 1.000 2500 mit plan price EUR",
                        "sim-large 8200 size_mb 0.667 8200 llama3-community plan hardware+energy EUR");
        // sim-medium by its price: per round (10 x 0.50 + 6 x 1.50) + (10 x 0.50 + 1 x 1.50) + (9 x 0.50 + 1 x 1.50)
        // per 1K tokens = 0.0265 for three requests; 9 requests
        double perRequest = 0.0265 / 3;
        assertThat(jdbc.sql("SELECT cost_per_request FROM model_costs WHERE run_id = ? AND model_alias = 'sim-medium'")
                .param(run).query(Double.class).single()).isCloseTo(perRequest, within(1e-12));
        assertThat(jdbc.sql("SELECT run_cost FROM model_costs WHERE run_id = ? AND model_alias = 'sim-medium'")
                .param(run).query(Double.class).single()).isCloseTo(9 * perRequest, within(1e-12));
        // sim-fast by its busy time: the serial requests' E2E x (0.90 + 65 W / 1000 x 0.30) per hour
        double busyMs = jdbc.sql("SELECT sum(e2e_ms) FROM measured_requests WHERE run_id = ? AND model_alias = 'sim-fast'")
                .param(run).query(Double.class).single();
        double fast = busyMs / 3_600_000 * (0.90 + 0.065 * 0.30) / 9 * 1000;
        assertThat(jdbc.sql("SELECT cost_per_1k_prompts FROM model_costs WHERE run_id = ? AND model_alias = 'sim-fast'")
                .param(run).query(Double.class).single()).isCloseTo(fast, within(1e-12));

        String md = Files.readString(ReportDirs.of(reports, "2026-12-01_" + run).resolve("report.md"));
        assertThat(md).contains("## Model selection", "|**sim-fast** **★ recommended**|", "|**sim-medium** (runner-up)|",
                "**Recommended default:** `sim-fast`: meets every constraint; cheapest at "
                        + String.format(Locale.ROOT, "%.2f", fast) + " EUR per 1,000 prompts.",
                "**Runner-up:** `sim-medium`: 8.83 EUR per 1,000 prompts.",
                "- `sim-large`: pass_rate 66.7 % below min 90.0 %; memory_mb 8,200 MB above max 4,096 MB; licence "
                        + "llama3-community not in mit, apache-2.0",
                "**✗ llama3-community** (plan)", "Cost** (model_costs view) is an estimate.");
        assertThat(md.indexOf("## Model selection")).isLessThan(md.indexOf("## Trends"));
        String html = Files.readString(ReportDirs.of(reports, "2026-12-01_" + run).resolve("report.html"));
        assertThat(html).contains("<h2>Model selection</h2>", "<span class=\"bad\">✗ 8,200 MB</span>");
        // the same verdict in results.json, valid against its schema
        tools.jackson.databind.JsonNode json = new tools.jackson.databind.ObjectMapper().readTree(
                ReportDirs.of(reports, "2026-12-01_" + run).resolve("results.json").toFile());
        assertThat(dev.nightbench.support.ResultsSchema.problems(json)).isEmpty();
        tools.jackson.databind.JsonNode selection = json.get("selection");
        assertThat(selection.get("planned").asBoolean()).isTrue();
        assertThat(selection.get("recommended").asString()).isEqualTo("sim-fast");
        assertThat(selection.get("runner_up").asString()).isEqualTo("sim-medium");
        assertThat(selection.get("models").get(2).get("model_alias").asString()).isEqualTo("sim-large");
        assertThat(selection.get("models").get(2).get("meets_constraints").asBoolean()).isFalse();
        assertThat(selection.get("models").get(2).get("failures")).hasSize(3);
        assertThat(selection.get("models").get(1).get("cost_per_thousand").asDouble()).isCloseTo(0.0265 / 3 * 1000,
                within(1e-9));

        // the next night: at most 1 GB of memory, which no model meets
        Path tight = Files.writeString(dir.resolve("selection-demo.yaml"), Files.readString(demo)
                .replace("memory_mb: { max: 4096 }", "memory_mb: { max: 1000 }"));
        Outcome second = commands.run(new PlanLoader().loadWithSnapshot(tight), LocalDate.of(2026, 12, 2), null, true,
                false, line -> { });
        assertThat(second.exitCode()).as(second.lines().toString()).isEqualTo(Cli.OK);
        long run2 = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        String md2 = Files.readString(ReportDirs.of(reports, "2026-12-02_" + run2).resolve("report.md"));

        assertThat(md2).contains("> **No model meets the constraints.** Each model and the constraints it failed:",
                "- `sim-fast`: memory_mb 1,200 MB above max 1,000 MB\n",
                "- `sim-medium`: memory_mb 2,500 MB above max 1,000 MB\n",
                "- `sim-large`: pass_rate 66.7 % below min 90.0 %; memory_mb 8,200 MB above max 1,000 MB; licence "
                        + "llama3-community not in mit, apache-2.0\n",
                "### Cost per 1,000 prompts over the last 2 runs",
                "|sim-medium|8.83 EUR|8.83 EUR|");
        assertThat(md2).doesNotContain("Recommended default", "★ recommended");
        assertThat(new tools.jackson.databind.ObjectMapper().readTree(ReportDirs.of(reports, "2026-12-02_" + run2)
                .resolve("results.json").toFile()).get("selection").get("recommended").isNull()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM selection_rules WHERE run_id = ?").param(run2).query(Long.class)
                .single()).isEqualTo(5);   // four constraints and optimise
    }
}
