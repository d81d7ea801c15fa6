package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Pipelines table's cost columns: ≈ and the currency for a busy-time estimate, the cost against refine alone. */
class PipelineContentTest {

    private static PipelineContent.Row row(String kind, String models, Double perThousand, String basis,
                                           String currency, boolean estimate, Double vsRefine) {
        return new PipelineContent.Row("p", kind, models, 4, 4, kind.equals("pipeline") ? 1L : null,
                kind.equals("pipeline") ? 4L : null, null, null, null, 100.0, 200.0, perThousand, null, null, null,
                null, null, basis, currency, estimate, vsRefine);
    }

    private static String render(List<PipelineContent.Row> rows) {
        ReportDocument doc = new ReportDocument("t");
        PipelineContent.insert(doc, 7, List.of(new PipelineContent.Pipeline("p", "check_fails", rows)));
        return MarkdownRenderer.render(doc, "");
    }

    @Test
    void aLocalDraftWithACloudRefineModelIsAnEstimateSetAgainstTheRefineModelAlone() {
        String md = render(List.of(
                row("pipeline", "local → cloud", 0.0375, "hardware+energy → price", "EUR", true, 0.25),
                row("draft alone", "local", 0.0125, "hardware+energy", "EUR", true, 1.0 / 12),
                row("refine alone", "cloud", 0.15, "price", "EUR", false, 1.0)));

        assertThat(md).contains("|pipeline|local → cloud|4 / 4|1 / 4|—|100.0 / 200.0 ms|≈ 0.0375 EUR|25.0 %|",
                "|draft alone|local|4 / 4|—|—|100.0 / 200.0 ms|≈ 0.0125 EUR|8.3 %|",
                "|refine alone|cloud|4 / 4|—|—|100.0 / 200.0 ms|0.1500 EUR|100.0 %|",
                "Cost is an estimate: local: hardware cost per hour plus power × energy price, × each request's e2e"
                        + " time (the energy heuristic); cloud: the plan's price per 1K prompt and output tokens ×"
                        + " each request's tokens.");
    }

    @Test
    void pricedModelsAreNoEstimateAndAnUncostedModelLeavesTheCostOpen() {
        String md = render(List.of(
                row("pipeline", "a → b", null, null, null, false, null),
                row("draft alone", "a", 0.02, "price", null, false, null),
                row("refine alone", "b", null, null, null, false, null)));

        assertThat(md).contains("|pipeline|a → b|4 / 4|1 / 4|—|100.0 / 200.0 ms|—|—|",
                "|draft alone|a|4 / 4|—|—|100.0 / 200.0 ms|0.0200|—|",
                "Cost: a: the plan's price per 1K prompt and output tokens × each request's tokens; b: no price and no"
                        + " cost: section in the plan, so no cost.")
                .doesNotContain("is an estimate");
        assertThat(md.lines().filter(l -> l.startsWith("|"))).noneMatch(l -> l.contains("≈"));
    }
}
