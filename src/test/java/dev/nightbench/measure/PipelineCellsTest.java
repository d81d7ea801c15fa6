package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where pipeline cells sit in the run's order, and the refine model's conversation. */
class PipelineCellsTest {

    @TempDir
    Path dir;

    private Plan plan(String pipelines) throws Exception {
        return PlanLoader.withEnvironment(Map.of()).load(Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: sim, type: simulated}]
                models:
                  - {alias: small, model: sim-fast, load: {concurrency: [2], requests: 4}}
                  - {alias: big, model: sim-large}
                prompts:
                  - {id: p1, text: "Capital of France?", system: "Be brief."}
                  - id: p2
                    messages:
                      - {role: user, content: "Hi"}
                      - {role: assistant, content: "Hello."}
                      - {role: user, content: "Capital of Italy?"}
                run: {rounds: 2}
                """ + pipelines));
    }

    @Test
    void pipelineCellsComeLastSoAddingOneKeepsEveryModelCellAtItsIndex() throws Exception {
        Plan without = plan("");
        Plan with = plan("pipelines: [{name: dr, draft: small, refine: big, escalate: always}]\n");

        List<Cell> cells = CellPlanner.measureCells(with);
        assertThat(cells.subList(0, 5)).isEqualTo(CellPlanner.measureCells(without));
        assertThat(cells.subList(5, 7)).extracting(c -> c.index() + " " + c.phase() + " " + c.pipeline() + " "
                        + c.modelAlias() + " " + c.promptId() + " " + c.describeLoad() + " " + c.requests())
                .containsExactly("5 pipeline dr small p1 serial 2", "6 pipeline dr small p2 serial 2");
        assertThat(cells.subList(0, 5)).allSatisfy(c -> assertThat(c.pipeline()).isNull());
    }

    @Test
    void theRefineConversationReplacesTheLastUserMessageAndKeepsTheRest() throws Exception {
        Plan plan = plan("""
                pipelines:
                  - {name: dr, draft: small, refine: big, escalate: always, refine_prompt: "Q: {question} D: {draft}"}
                """);
        var pipeline = plan.pipeline("dr").orElseThrow();

        assertThat(PipelineRunner.refineMessages(pipeline, plan.prompt("p1").orElseThrow(), "Lyon.")).containsExactly(
                new ChatMessage("system", "Be brief."), new ChatMessage("user", "Q: Capital of France? D: Lyon."));
        assertThat(PipelineRunner.refineMessages(pipeline, plan.prompt("p2").orElseThrow(), "Milan.")).containsExactly(
                new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello."),
                new ChatMessage("user", "Q: Capital of Italy? D: Milan."));
    }
}
