package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The plan's {@code selection:} and {@code cost:} sections and a model's {@code licence:}. */
class SelectionPlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String models, String rest) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints:
                  - name: sim
                    type: simulated
                    cost: {power_watts: 120}
                models:
                """ + models + """
                prompts: [{id: p, text: "Hi"}]
                """ + rest);
    }

    private List<String> problems(Path plan) {
        return catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();
    }

    @Test
    void theShippedDemoReadsItsScenario() {
        Plan demo = loader.load(Path.of("jobs/selection-demo.yaml"));

        SelectionSpec s = demo.selection();
        assertThat(s.constraints().keySet()).containsExactly("p95_e2e_ms", "pass_rate", "memory_mb", "licence");
        assertThat(s.constraints().get("p95_e2e_ms")).isEqualTo(new SelectionSpec.Constraint(null, 1500.0, null));
        assertThat(s.constraints().get("licence").allow()).containsExactly("mit", "apache-2.0");
        assertThat(s.optimise()).isEqualTo("cost");
        assertThat(demo.model("sim-large").orElseThrow().licence()).isEqualTo("llama3-community");
        assertThat(demo.model("sim-fast").orElseThrow().cost())
                .isEqualTo(new CostSpec(new BigDecimal("0.9"), 65.0, new BigDecimal("0.3"), "EUR"));
    }

    @Test
    void aModelsCostIsThePlansWithItsEndpointsAndThenItsOwnKeysReplacingThem() throws IOException {
        Plan p = loader.load(plan("""
                  - {alias: sim-fast, licence: mit}
                  - alias: sim-large
                    cost: {hardware_per_hour: 2.5}
                """, """
                cost: {currency: EUR, hardware_per_hour: 0.9, power_watts: 65, energy_per_kwh: 0.3}
                selection: {weights: {latency: 2, quality: 3, cost: 1}}
                """));

        assertThat(p.model("sim-fast").orElseThrow().cost())
                .isEqualTo(new CostSpec(new BigDecimal("0.9"), 120.0, new BigDecimal("0.3"), "EUR"));
        assertThat(p.model("sim-large").orElseThrow().cost())
                .isEqualTo(new CostSpec(new BigDecimal("2.5"), 120.0, new BigDecimal("0.3"), "EUR"));
        assertThat(p.model("sim-fast").orElseThrow().licence()).isEqualTo("mit");
        assertThat(p.selection().weights()).containsExactly(Map.entry("latency", 2.0), Map.entry("quality", 3.0),
                Map.entry("cost", 1.0));
        assertThat(p.selection().optimise()).isNull();
        assertThat(loader.load(plan("  - {alias: sim-fast}\n", "cost: {energy_per_kwh: 0.3}\n")).selection()).isNull();
    }

    @Test
    void reportsABadSelectionWithFileLineAndField() throws IOException {
        Path plan = plan("  - {alias: sim-fast}\n", """
                cost: {energy_per_kwh: 0.3}
                selection:
                  constraints:
                    p99_latency: {max: 3}
                    pass_rate: {min: 0.9, max: 0.5}
                    licence: {min: 1}
                    memory_mb: {allow: [mit]}
                  optimise: cost
                  weights:
                    latency: -1
                    speed: 2
                """);

        List<String> problems = problems(plan);

        assertThat(problems).hasSize(7);
        assertThat(problems.get(0)).contains("plan.yaml:11", "selection.constraints.p99_latency",
                "unknown dimension 'p99_latency'", "p95_e2e_ms");
        assertThat(problems.get(1)).contains(":12", "selection.constraints.pass_rate.min", "min 0.9 is above max 0.5");
        assertThat(problems.get(2)).contains(":13", "selection.constraints.licence.min", "licence takes only allow");
        assertThat(problems.get(3)).contains(":14", "selection.constraints.memory_mb.allow", "allow: is for licence");
        assertThat(problems.get(4)).contains(":16", "selection.weights", "either optimise");
        assertThat(problems.get(5)).contains(":17", "selection.weights.latency", "must be 0 or more, got -1");
        assertThat(problems.get(6)).contains(":18", "selection.weights.speed", "unknown goal 'speed'");
    }

    @Test
    void reportsBadCostsLicencesAndMixedCurrencies() throws IOException {
        assertThat(problems(plan("  - {alias: sim-fast, licence: ' '}\n", "cost: {hardware_per_hour: -1, currency: 3}\n")))
                .satisfiesExactly(
                        p -> assertThat(p).contains("plan.yaml:6", "models[0].licence", "is empty"),
                        p -> assertThat(p).contains(":8", "cost.hardware_per_hour", "must be 0 or more"),
                        p -> assertThat(p).contains(":8", "cost.currency", "expected a currency"));
        // the endpoint's power draw with no energy price anywhere
        assertThat(problems(plan("  - {alias: sim-fast}\n", "")))
                .singleElement().satisfies(p -> assertThat(p).contains(":4", "endpoints[0].cost",
                        "power_watts 120.0 but no energy_per_kwh"));
        assertThat(problems(plan("""
                  - {alias: sim-fast, cost: {currency: USD}}
                  - {alias: sim-medium, price: {input_per_1k: 1, output_per_1k: 2}}
                """, "cost: {currency: EUR, energy_per_kwh: 0.3}\n")))
                .singleElement().satisfies(p -> assertThat(p).contains("cost.currency", "different currencies",
                        "sim-fast=USD", "sim-medium=EUR"));
        assertThat(problems(plan("  - {alias: sim-fast}\n", "cost: {energy_per_kwh: 0.3}\nselection: {weights: {cost: 0}}\n")))
                .singleElement().satisfies(p -> assertThat(p).contains("selection.weights", "every weight is 0"));
        assertThat(problems(plan("  - {alias: sim-fast}\n", "cost: {energy_per_kwh: 0.3}\nselection: {optimise: speed}\n")))
                .singleElement().satisfies(p -> assertThat(p).contains("selection.optimise", "expected one of latency"));
    }
}
