package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link ModelSelection}'s verdicts: constraints, a single goal, weights, and no section at all. */
class ModelSelectionTest {

    private static SelectionData with(List<SelectionData.Rule> rules) {
        return new SelectionData(SelectionInChromiumTest.demo().rows(), rules, List.of());
    }

    @Test
    void optimisingCostPicksTheCheapestModelThatMeetsEveryConstraint() {
        ModelSelection.Verdict v = ModelSelection.decide(SelectionInChromiumTest.demo());

        assertThat(v.recommended().row().modelAlias()).isEqualTo("sim-fast");
        assertThat(v.reason()).isEqualTo("meets every constraint; cheapest at 0.02 EUR per 1,000 prompts");
        assertThat(v.runnerUp().row().modelAlias()).isEqualTo("sim-medium");
        // sim-large is cheaper than sim-medium but breaks three constraints
        assertThat(v.models().get(2).failures()).containsExactly("p95_e2e_ms 1812.5 ms above max 1500 ms",
                "pass_rate 66.7 % below min 90.0 %", "licence llama3-community not in mit, apache-2.0");
    }

    @Test
    void weightsScaleEachGoalOverTheAcceptableModels() {
        List<SelectionData.Rule> rules = new ArrayList<>(List.of(
                new SelectionData.Rule("constraint", "licence", null, null, "mit,apache-2.0", null),
                new SelectionData.Rule("weight", "latency", null, null, null, 3.0),
                new SelectionData.Rule("weight", "throughput", null, null, null, 1.0)));

        ModelSelection.Verdict v = ModelSelection.decide(with(rules));

        // sim-fast: latency best (1), no decode figure (0) -> 3/4; sim-medium: latency 0, throughput best (1) -> 1/4
        assertThat(v.recommended().row().modelAlias()).isEqualTo("sim-fast");
        assertThat(v.recommended().score()).isCloseTo(0.75, within(1e-12));
        assertThat(v.runnerUp().score()).isCloseTo(0.25, within(1e-12));
        assertThat(v.reason()).isEqualTo("meets every constraint; highest weighted score (latency 3, throughput 1): 0.75");
        // throughput alone: sim-medium
        rules.set(1, new SelectionData.Rule("weight", "latency", null, null, null, 0.0));
        assertThat(ModelSelection.decide(with(rules)).recommended().row().modelAlias()).isEqualTo("sim-medium");
    }

    @Test
    void noSectionNoRecommendationAndNoAcceptableModelNoRecommendation() {
        assertThat(ModelSelection.decide(with(List.of())).recommended()).isNull();
        ModelSelection.Verdict none = ModelSelection.decide(with(List.of(
                new SelectionData.Rule("constraint", "cost_per_1k", null, 0.01, null, null))));
        assertThat(none.recommended()).isNull();
        assertThat(none.models()).allSatisfy(a -> assertThat(a.failures()).singleElement().asString()
                .startsWith("cost_per_1k ").contains("above max 0.01 EUR"));
        // a constraint on a dimension with no value fails: it cannot be shown to hold
        SelectionData.Row noChecks = new SelectionData.Row("x", "available", 1.0, 1.0, 1.0, 1.0, "size_mb", null, null,
                1.0, "size_mb", "mit", "plan", 1.0, 0.001, 0.01, "price", null);
        ModelSelection.Verdict v = ModelSelection.decide(new SelectionData(List.of(noChecks),
                List.of(new SelectionData.Rule("constraint", "pass_rate", 0.5, null, null, null)), List.of()));
        assertThat(v.models().getFirst().failures()).containsExactly("pass_rate has no value");
    }
}
