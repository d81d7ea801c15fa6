package dev.nightbench.measure;

import dev.nightbench.plan.LoadSpec;
import dev.nightbench.plan.Plan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.nightbench.plan.PlanFixtures.aModel;
import static dev.nightbench.plan.PlanFixtures.aPlan;
import static dev.nightbench.plan.PlanFixtures.aPrompt;
import static org.assertj.core.api.Assertions.assertThat;

class CellPlannerTest {

    private final Plan plan = aPlan()
            .withModels(aModel().named("a").withLoad(new LoadSpec(List.of(1, 8), List.of(2.5), 20, null, null)),
                    aModel().named("b").withLoad(new LoadSpec(List.of(), List.of(), null, null,
                            new LoadSpec.Sweep("rate", 1, 2, 5, null, Duration.ofSeconds(10)))))
            .withPrompts(aPrompt().withId("p1"), aPrompt().withId("p2"))
            .build();

    @Test
    void latencyCellsComeFirstThenEachModelsLevelsRatesAndSweepUpToItsMax() {
        List<Cell> cells = CellPlanner.measureCells(plan);

        assertThat(cells).extracting(c -> c.index() + " " + c.modelAlias() + " " + c.promptId() + " " + c.describeLoad()
                        + " " + c.requests() + " " + c.duration() + (c.sweep() ? " sweep" : ""))
                .containsExactly("0 a p1 serial 3 null", "1 a p2 serial 3 null", "2 b p1 serial 3 null", "3 b p2 serial 3 null",
                        "4 a * concurrency 1 20 null", "5 a * concurrency 8 20 null", "6 a * rate 2.5 req/s 20 null",
                        "7 b * rate 1 req/s 0 PT10S sweep", "8 b * rate 2 req/s 0 PT10S sweep",
                        "9 b * rate 4 req/s 0 PT10S sweep", "10 b * rate 5 req/s 0 PT10S sweep");
    }

    @Test
    void theSamePlanGivesTheSameCellsAtTheSameIndexes() {
        assertThat(CellPlanner.measureCells(plan)).isEqualTo(CellPlanner.measureCells(plan));
    }
}
