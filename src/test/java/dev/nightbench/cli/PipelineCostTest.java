package dev.nightbench.cli;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pipelines whose models are costed by the plan's {@code cost:} (V25): {@code jobs/pipeline-demo.yaml} with sim-fast
 * on local hardware (hardware per hour plus power x energy price) drafting for sim-large, still priced per 1K tokens (a
 * mixed pipeline), and for sim-medium, costed by hardware per hour only (a local pipeline). Each stage is costed as its
 * model's own requests are (its e2e time x the rate, or its tokens x the price); every figure of pipeline_summary,
 * pipeline_comparison and the report's Pipelines table is recomputed here from the stored request rows.
 */
class PipelineCostTest extends JobTestSupport {

    private static final double FAST_HARDWARE = 0.90;
    private static final double FAST_WATTS = 65;
    private static final double FAST_KWH = 0.30;
    private static final double MEDIUM_HARDWARE = 2.50;

    @Autowired
    Commands commands;

    @TempDir
    Path dir;

    /** One stage request as stored. */
    record Stage(int cellIndex, int requestIndex, String model, String status, double e2eMs, Integer promptTokens,
                 Integer outputTokens) {
    }

    @Test
    void aDraftOnLocalHardwareIsCostedByItsBusyTimeBesideACloudOrLocalRefineModel() throws Exception {
        String text = Files.readString(Path.of("jobs/pipeline-demo.yaml"))
                .replace("    price: {input_per_1k: 0.0001, output_per_1k: 0.0002}\n",
                        "    cost: {hardware_per_hour: 0.90, power_watts: 65, energy_per_kwh: 0.30, currency: EUR}\n")
                .replace("\nprompts:", "  - alias: sim-medium\n    cost: {hardware_per_hour: 2.50, currency: EUR}\n"
                        + "  - alias: sim-busy\n\nprompts:")
                .replace("\n\nrun:", "\n  - {name: local, draft: sim-fast, refine: sim-medium, escalate: check_fails}"
                        + "\n  - {name: uncosted, draft: sim-fast, refine: sim-busy, escalate: check_fails}\n\nrun:");
        assertThat(text).contains("hardware_per_hour: 0.90", "alias: sim-medium", "name: local")
                .doesNotContain("output_per_1k: 0.0002");
        Outcome run = commands.run(new PlanLoader().loadWithSnapshot(Files.writeString(dir.resolve("costed.yaml"),
                text)), LocalDate.of(2026, 12, 3), null, true, false, line -> { });
        assertThat(run.exitCode()).as(run.lines().toString()).isEqualTo(Cli.OK);
        long runId = jdbc.sql("SELECT max(run_id) FROM runs").query(Long.class).single();

        // sim-fast's rate: the plan's power unless nvidia-smi measured the GPU during the run
        double watts = jdbc.sql("SELECT gpu_power_w_mean FROM run_model_telemetry WHERE run_id = ? AND model_alias ="
                + " 'sim-fast' AND source = 'nvidia-smi' AND status = 'ok'").param(runId).query(Double.class).optional()
                .orElse(FAST_WATTS);
        Map<String, Double> perHour = Map.of("sim-fast", FAST_HARDWARE + watts / 1000 * FAST_KWH,
                "sim-medium", MEDIUM_HARDWARE);
        Map<String, double[]> price = Map.of("sim-large", new double[] {0.003, 0.006});

        Map<String, Object> mixed = summary(runId, "draft-refine");
        assertThat(mixed).containsEntry("draft_cost_basis", "hardware+energy")
                .containsEntry("refine_cost_basis", "price")
                .containsEntry("currency", "EUR").containsEntry("cost_estimate", true).containsEntry("escalated", 6L);
        Map<String, Object> local = summary(runId, "local");
        assertThat(local).containsEntry("draft_cost_basis", "hardware+energy")
                .containsEntry("refine_cost_basis", "hardware").containsEntry("cost_estimate", true)
                .containsEntry("escalated", 3L);

        for (String pipeline : List.of("draft-refine", "local")) {
            Map<String, Object> s = summary(runId, pipeline);
            String refineModel = (String) s.get("refine_model");
            // by hand: each answered run's draft and refine (when escalated) stage, costed like its model's requests
            List<Stage> stages = jdbc.sql("""
                            SELECT cell_index, request_index, model_alias AS model, status, e2e_ms, prompt_tokens,
                               output_tokens
                            FROM requests WHERE run_id = ? AND phase = 'pipeline' AND pipeline = ? AND is_final
                            ORDER BY cell_index, request_index""").params(runId, pipeline).query(Stage.class).list();
            double draftBusy = 0, refineBusy = 0, draftCost = 0, refineCost = 0;
            int answered = 0;
            for (Stage d : stages) {
                if (d.requestIndex() % 2 != 0) {
                    continue;
                }
                Stage r = stages.stream().filter(x -> x.cellIndex() == d.cellIndex()
                        && x.requestIndex() == d.requestIndex() + 1).findFirst().orElse(null);
                assertThat((r == null ? d : r).status()).isEqualTo("ok");
                answered++;
                draftBusy += d.e2eMs();
                draftCost += cost(d, perHour, price);
                if (r != null) {
                    assertThat(r.model()).isEqualTo(refineModel);
                    refineBusy += r.e2eMs();
                    refineCost += cost(r, perHour, price);
                }
            }
            assertThat(answered).isEqualTo(12);
            double perThousand = 1000 * (draftCost + refineCost) / answered;
            assertThat((Double) s.get("draft_busy_ms")).isCloseTo(draftBusy, within(1e-6));
            assertThat((Double) s.get("refine_busy_ms")).isCloseTo(refineBusy, within(1e-6));
            assertThat((Double) s.get("draft_cost")).isCloseTo(draftCost, within(1e-12));
            assertThat((Double) s.get("draft_cost")).isCloseTo(draftBusy / 3_600_000 * perHour.get("sim-fast"),
                    within(1e-12));
            assertThat((Double) s.get("refine_cost")).isCloseTo(refineCost, within(1e-12));
            assertThat(((Number) s.get("cost")).doubleValue()).isCloseTo(draftCost + refineCost, within(1e-12));
            assertThat(((Number) s.get("cost_per_1k_prompts")).doubleValue()).isCloseTo(perThousand, within(1e-9));
            assertThat((Double) s.get("cost_per_run")).isCloseTo(perThousand / 1000, within(1e-12));

            // each model alone: its own answered serial requests, costed the same way
            double draftAlone = 1000 * aloneCost(runId, "sim-fast", perHour, price);
            double refineAlone = 1000 * aloneCost(runId, refineModel, perHour, price);
            assertThat((Double) s.get("refine_alone_cost_per_1k")).isCloseTo(refineAlone, within(1e-9));
            assertThat((Double) s.get("cost_vs_refine_alone")).isCloseTo(perThousand / refineAlone, within(1e-9));
            List<Map<String, Object>> rows = jdbc.sql("SELECT * FROM pipeline_comparison WHERE run_id = ? AND"
                    + " pipeline = ? ORDER BY position").params(runId, pipeline).query().listOfRows();
            assertThat(rows).extracting(r -> r.get("kind")).containsExactly("pipeline", "draft alone", "refine alone");
            assertThat(((Number) rows.get(1).get("cost_per_1k_prompts")).doubleValue()).isCloseTo(draftAlone,
                    within(1e-9));
            assertThat(((Number) rows.get(2).get("cost_per_1k_prompts")).doubleValue()).isCloseTo(refineAlone,
                    within(1e-9));
            assertThat((Double) rows.get(1).get("cost_vs_refine_alone")).isCloseTo(draftAlone / refineAlone,
                    within(1e-9));
            assertThat(rows.get(2)).containsEntry("cost_vs_refine_alone", 1.0);
            assertThat(rows.get(1)).containsEntry("cost_basis", "hardware+energy").containsEntry("cost_estimate", true);

            // the report's row: ≈ marks the estimate, in the plan's currency, against the refine model alone
            List<String> table = md(runId).lines().dropWhile(l -> !l.startsWith("### " + pipeline + " ("))
                    .filter(l -> l.startsWith("|")).limit(5).toList();
            assertThat(table.get(0)).contains("|Cost / 1,000 prompts|vs refine alone|");
            assertThat(table.get(2)).startsWith("|pipeline|sim-fast → " + refineModel + "|12 / 12|")
                    .contains(String.format(Locale.ROOT, "|≈ %.4f EUR|%.1f %%|", perThousand,
                            100 * perThousand / refineAlone));
            assertThat(table.get(3)).contains(String.format(Locale.ROOT, "|≈ %.4f EUR|%.1f %%|", draftAlone,
                    100 * draftAlone / refineAlone));
            assertThat(table.get(4)).contains(String.format(Locale.ROOT, "|%s%.4f EUR|100.0 %%|",
                    refineModel.equals("sim-large") ? "" : "≈ ", refineAlone));
        }
        // a refine model with no price and no cost: section leaves the pipeline uncosted, its draft stage costed
        Map<String, Object> uncosted = summary(runId, "uncosted");
        assertThat(uncosted).containsEntry("refine_cost_basis", null).containsEntry("cost", null)
                .containsEntry("cost_per_1k_prompts", null).containsEntry("cost_per_run", null)
                .containsEntry("refine_cost", null).containsEntry("cost_vs_refine_alone", null)
                .containsEntry("escalated", 3L);
        assertThat((Double) uncosted.get("draft_cost")).isCloseTo(
                (Double) uncosted.get("draft_busy_ms") / 3_600_000 * perHour.get("sim-fast"), within(1e-12));
        List<String> uncostedRows = md(runId).lines().dropWhile(l -> !l.startsWith("### uncosted ("))
                .filter(l -> l.startsWith("|")).limit(5).toList();
        assertThat(uncostedRows.get(2)).startsWith("|pipeline|sim-fast → sim-busy|12 / 12|").contains("|—|—|");
        assertThat(md(runId)).contains("; sim-busy: no price and no cost: section in the plan, so no cost.");

        // the draft alone costs what model_costs says sim-fast's own requests cost (all serial, all answered)
        assertThat(jdbc.sql("SELECT cost_per_1k_prompts FROM model_costs WHERE run_id = ? AND model_alias = 'sim-fast'")
                .param(runId).query(Double.class).single())
                .isCloseTo(1000 * aloneCost(runId, "sim-fast", perHour, price), within(1e-9));

        assertThat(md(runId)).contains("Cost is an estimate: sim-fast: hardware cost per hour plus power × energy"
                        + " price, × each request's e2e time (the energy heuristic); sim-large: the plan's price per 1K prompt and"
                        + " output tokens × each request's tokens.",
                "Cost is an estimate: sim-fast: hardware cost per hour plus power × energy price, × each request's e2e"
                        + " time (the energy heuristic); sim-medium: the plan's hardware cost per hour × each"
                        + " request's e2e time (a busy-time estimate).");
    }

    private String md(long runId) throws java.io.IOException {
        return Files.readString(ReportDirs.of(reports, "2026-12-03_" + runId).resolve("report.md"));
    }

    private Map<String, Object> summary(long runId, String pipeline) {
        return jdbc.sql("SELECT * FROM pipeline_summary WHERE run_id = ? AND pipeline = ?").params(runId, pipeline)
                .query().singleRow();
    }

    /** Mean cost of a model's answered serial measured requests, from their rows and the plan's figures. */
    private double aloneCost(long runId, String model, Map<String, Double> perHour, Map<String, double[]> price) {
        List<Stage> own = jdbc.sql("""
                        SELECT cell_index, request_index, model_alias AS model, status, e2e_ms, prompt_tokens,
                               output_tokens
                        FROM requests WHERE run_id = ? AND model_alias = ? AND phase = 'measure' AND is_final
                          AND load_mode = 'serial' AND status = 'ok'""").params(runId, model).query(Stage.class).list();
        assertThat(own).hasSize(12);
        return own.stream().mapToDouble(q -> cost(q, perHour, price)).average().orElseThrow();
    }

    private static double cost(Stage q, Map<String, Double> perHour, Map<String, double[]> price) {
        double[] p = price.get(q.model());
        if (p != null) {
            return (q.promptTokens() * p[0] + q.outputTokens() * p[1]) / 1000;
        }
        return q.e2eMs() / 3_600_000 * perHour.get(q.model());
    }
}
