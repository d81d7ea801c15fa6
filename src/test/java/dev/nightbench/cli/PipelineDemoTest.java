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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 13 item 5 on {@code jobs/pipeline-demo.yaml} as shipped, through the {@code run} command on a real PostgreSQL:
 * the scripted drafts escalate exactly where the plan's rule says (a failed check, or over 40 words), each stage is a
 * request row with its pipeline, stage and model, the scripted refine conversations (which hold the draft) are
 * answered, the blended latency and cost add up the stages, the report shows the pipeline beside both models alone,
 * and the models' own figures are those of the same plan run without its pipeline.
 */
@ExtendWith(SimTimeScale.SimLargeOnly.class)   // not sim-fast nor sim-medium: see SimTimeScale
class PipelineDemoTest extends JobTestSupport {

    @Autowired
    Commands commands;

    @TempDir
    Path dir;

    @Test
    void theDemoEscalatesWhereTheRuleSaysAndLeavesTheModelsOwnFiguresAlone() throws Exception {
        Path demo = Path.of("jobs/pipeline-demo.yaml");
        Outcome run = commands.run(new PlanLoader().loadWithSnapshot(demo), LocalDate.of(2026, 12, 1), null, true,
                false, line -> { });
        assertThat(run.exitCode()).as(run.lines().toString()).isEqualTo(Cli.OK);
        long runId = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();

        // 4 prompts x 3 rounds drafted by sim-fast; sum (41 fails its check) and explain (over 40 words) refined
        assertThat(jdbc.sql("""
                        SELECT prompt_id || ' ' || stage || ' ' || model_alias || ' ' || count(*)
                        FROM requests WHERE run_id = ? AND phase = 'pipeline' AND pipeline = 'draft-refine'
                        GROUP BY prompt_id, stage, model_alias ORDER BY 1""").param(runId).query(String.class).list())
                .containsExactly("capital draft sim-fast 3", "colour draft sim-fast 3", "explain draft sim-fast 3",
                        "explain refine sim-large 3", "sum draft sim-fast 3", "sum refine sim-large 3");
        // the refine model answered the scripted refine conversation, which only matches with the draft in it
        assertThat(jdbc.sql("""
                        SELECT DISTINCT q.prompt_id || ': ' || a.text FROM requests q JOIN answers a USING (request_id)
                        WHERE q.run_id = ? AND q.stage = 'refine' ORDER BY 1""").param(runId).query(String.class).list())
                .containsExactly("explain: Sunlight scatters off air molecules, blue most of all, so blue light reaches"
                        + " us from all over the sky.", "sum: 42");
        // every stage answer is checked (12 drafts, 6 refines), as phase 'pipeline': 3 drafts of sum fail
        assertThat(jdbc.sql("SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT passed) FROM check_results"
                + " WHERE run_id = ? AND phase = 'pipeline'").param(runId).query(String.class).single()).isEqualTo("18 3");
        assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE run_id = ? AND phase <> 'pipeline' AND"
                + " (pipeline IS NOT NULL OR stage IS NOT NULL)").param(runId).query(Integer.class).single()).isZero();

        Map<String, Object> s = jdbc.sql("SELECT * FROM pipeline_summary WHERE run_id = ?").param(runId).query()
                .singleRow();
        assertThat(s).containsEntry("draft_model", "sim-fast").containsEntry("refine_model", "sim-large")
                .containsEntry("escalate", "check_fails or longer_than_words 40")
                .containsEntry("runs", 12L).containsEntry("ok_runs", 12L).containsEntry("drafts_ok", 12L)
                .containsEntry("escalated", 6L).containsEntry("escalation_rate", 0.5)
                .containsEntry("checks", java.math.BigDecimal.valueOf(12)).containsEntry("pass_rate", 1.0);
        // Wilson 95 % for 6 of 12
        double z = 1.959963984540054;
        double centre = (0.5 + z * z / 24) / (1 + z * z / 12);
        double half = z * Math.sqrt(0.25 / 12 + z * z / (4 * 144)) / (1 + z * z / 12);
        assertThat((Double) s.get("escalation_low")).isCloseTo(centre - half, within(1e-9));
        assertThat((Double) s.get("escalation_high")).isCloseTo(centre + half, within(1e-9));

        // blended latency = draft e2e + refine e2e; cost = each stage's tokens x its model's price
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM pipeline_runs p
                        JOIN requests d ON d.request_id = p.draft_request_id
                        LEFT JOIN requests r ON r.request_id = p.refine_request_id
                        WHERE p.run_id = ? AND abs(p.e2e_ms - (d.e2e_ms + coalesce(r.e2e_ms, 0))) < 1e-9
                          AND p.escalated = (r.request_id IS NOT NULL)
                          AND abs(p.cost - (d.prompt_tokens * 0.0001 + d.output_tokens * 0.0002
                              + coalesce(r.prompt_tokens * 0.003 + r.output_tokens * 0.006, 0)) / 1000) < 1e-12""")
                .param(runId).query(Integer.class).single()).isEqualTo(12);
        // priced stages only: no estimate, and the blended cost against sim-large alone (its own serial answers)
        assertThat(s).containsEntry("draft_cost_basis", "price").containsEntry("refine_cost_basis", "price")
                .containsEntry("cost_estimate", false).containsEntry("currency", null);
        double blended = jdbc.sql("""
                        SELECT 1000 * avg((d.prompt_tokens * 0.0001 + d.output_tokens * 0.0002
                                   + coalesce(r.prompt_tokens * 0.003 + r.output_tokens * 0.006, 0)) / 1000)
                        FROM requests d LEFT JOIN requests r ON r.run_id = d.run_id AND r.cell_index = d.cell_index
                                                           AND r.request_index = d.request_index + 1 AND r.is_final
                        WHERE d.run_id = ? AND d.stage = 'draft' AND d.is_final""").param(runId)
                .query(Double.class).single();
        double largeAlone = jdbc.sql("""
                        SELECT 1000 * avg((prompt_tokens * 0.003 + output_tokens * 0.006) / 1000) FROM requests
                        WHERE run_id = ? AND model_alias = 'sim-large' AND phase = 'measure' AND is_final
                          AND load_mode = 'serial' AND status = 'ok'""").param(runId).query(Double.class).single();
        assertThat(((Number) s.get("cost_per_1k_prompts")).doubleValue()).isCloseTo(blended, within(1e-9));
        assertThat((Double) s.get("refine_alone_cost_per_1k")).isCloseTo(largeAlone, within(1e-9));
        assertThat((Double) s.get("cost_vs_refine_alone")).isCloseTo(blended / largeAlone, within(1e-9));
        Double p95 = jdbc.sql("SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY e2e_ms) FROM pipeline_runs"
                + " WHERE run_id = ?").param(runId).query(Double.class).single();
        assertThat((Double) s.get("e2e_ms_p95")).isEqualTo(p95);

        // beside each model alone: sim-fast passes capital, colour, explain and fails sum; sim-large passes all
        assertThat(jdbc.sql("""
                        SELECT kind || ' ' || models || ' ' || ok_runs || '/' || runs || ' ' || passes || '/' || checks
                        FROM pipeline_comparison WHERE run_id = ? ORDER BY position""").param(runId).query(String.class)
                .list()).containsExactly("pipeline sim-fast → sim-large 12/12 12/12", "draft alone sim-fast 12/12 9/12",
                        "refine alone sim-large 12/12 12/12");

        String md = Files.readString(ReportDirs.of(reports, "2026-12-01_" + runId).resolve("report.md"));
        assertThat(md).contains("## Pipelines", "### draft-refine (escalate: check_fails or longer_than_words 40)",
                "SELECT * FROM pipeline_comparison WHERE run_id = " + runId);
        List<String> rows = md.lines().dropWhile(l -> !l.startsWith("### draft-refine")).filter(l -> l.startsWith("|"))
                .limit(5).toList();
        assertThat(rows.get(2)).startsWith("|pipeline|sim-fast → sim-large|12 / 12|6 / 12 (50.0 %)|")
                .contains("|100.0 % (12 / 12)|", String.format(java.util.Locale.ROOT, "|%.4f|%.1f %%|", blended,
                        100 * blended / largeAlone));
        assertThat(md).contains("Cost: sim-fast: the plan's price per 1K prompt and output tokens × each request's"
                + " tokens; sim-large: the plan's price per 1K prompt and output tokens × each request's tokens.");
        assertThat(rows.get(3)).startsWith("|draft alone|sim-fast|12 / 12|—|—|").contains("|75.0 % (9 / 12)|");
        assertThat(rows.get(4)).startsWith("|refine alone|sim-large|12 / 12|—|—|");

        // the same plan without its pipeline: the models' own figures are the same (latencies aside, which are timed)
        String withoutPipeline = Files.readString(demo).replaceAll("(?s)\npipelines:.*?\n\nrun:", "\n\nrun:");
        assertThat(withoutPipeline).doesNotContain("draft-refine");
        Outcome plain = commands.run(new PlanLoader().loadWithSnapshot(Files.writeString(dir.resolve("plain.yaml"),
                withoutPipeline)), LocalDate.of(2026, 12, 2), null, true, false, line -> { });
        assertThat(plain.exitCode()).as(plain.lines().toString()).isEqualTo(Cli.OK);
        long plainId = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();
        assertThat(modelFigures(runId)).isEqualTo(modelFigures(plainId)).hasSize(2 + 8 + 2 + 2 + 1)
                .contains("sim-fast 12 9 12", "sim-fast 3");   // model_quality and failed_checks: sum's 3 answers
        assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE run_id = ?").param(plainId).query(Integer.class)
                .single()).isEqualTo(2 * (1 + 12));
        assertThat(jdbc.sql("SELECT count(*) FROM requests WHERE run_id = ?").param(runId).query(Integer.class)
                .single()).isEqualTo(2 * (1 + 12) + 12 + 6);
    }

    /** The per-model figures that do not depend on timing, from the views a user's SQL reads. */
    private List<String> modelFigures(long runId) {
        List<String> out = new java.util.ArrayList<>();
        out.addAll(jdbc.sql("SELECT model_alias || ' ' || requests || ' ' || ok_requests || ' ' || output_tokens"
                + " FROM model_summaries WHERE run_id = ? ORDER BY 1").param(runId).query(String.class).list());
        out.addAll(jdbc.sql("SELECT model_alias || ' ' || prompt_id || ' ' || requests || ' ' || output_tokens"
                + " FROM summaries WHERE run_id = ? AND prompt_id <> '*' ORDER BY 1").param(runId).query(String.class)
                .list());
        out.addAll(jdbc.sql("SELECT model_alias || ' ' || n || ' ' || passes || ' ' || answers FROM model_quality"
                + " WHERE run_id = ? ORDER BY 1").param(runId).query(String.class).list());
        out.addAll(jdbc.sql("SELECT model_alias || ' ' || count(*) FROM measured_answers WHERE run_id = ?"
                + " GROUP BY model_alias ORDER BY 1").param(runId).query(String.class).list());
        out.addAll(jdbc.sql("SELECT model_alias || ' ' || count(*) FROM failed_checks WHERE run_id = ?"
                + " GROUP BY model_alias ORDER BY 1").param(runId).query(String.class).list());
        return out;
    }
}
