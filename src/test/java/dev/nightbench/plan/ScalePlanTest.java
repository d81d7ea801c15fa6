package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The plan's {@code scale:} section. */
class ScalePlanTest {

    @TempDir
    Path dir;

    private final PlanLoader loader = PlanLoader.withEnvironment(Map.of());

    private Path plan(String scale) throws IOException {
        return Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: a, type: simulated}, {name: b, type: simulated}]
                models: [{alias: sim-fast, endpoint: a}, {alias: sim-slow, endpoint: b}]
                prompts: [{id: p, text: "Hi"}]
                """ + scale);
    }

    @Test
    void isTheSingleProcessRunWhenNotGiven() throws IOException {
        assertThat(loader.load(plan("")).scale()).isEqualTo(ScaleSpec.NONE);
        assertThat(ScaleSpec.NONE.partitioned()).isFalse();
    }

    @Test
    void readsPartitionByWorkersAndParallelEndpoints() throws IOException {
        ScaleSpec s = loader.load(plan("scale: {partition_by: model, workers: 4, parallel_endpoints: [b]}\n")).scale();

        assertThat(s).isEqualTo(new ScaleSpec(ScaleSpec.PartitionBy.MODEL, 4, Set.of("b")));
        assertThat(loader.load(plan("scale: {workers: 2}\n")).scale())
                .isEqualTo(new ScaleSpec(ScaleSpec.PartitionBy.ENDPOINT, 2, Set.of()));
    }

    @Test
    void reportsEachBadFieldWithItsLine() throws IOException {
        Path plan = plan("""
                scale:
                  partition_by: gpu
                  workers: 0
                  parallel_endpoints: [a, c, a]
                """);

        List<String> problems = catchThrowableOfType(PlanException.class, () -> loader.load(plan)).problems().stream()
                .map(PlanProblem::toString).toList();

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains(":5", "scale.partition_by", "must be one of endpoint, model, cell");
        assertThat(problems.get(1)).contains(":6", "scale.workers", "from 1 to 256");
        assertThat(problems.get(2)).contains(":7", "scale.parallel_endpoints[1]", "no endpoint is named 'c'");
        assertThat(problems.get(3)).contains(":7", "scale.parallel_endpoints[2]", "twice");
        assertThat(catchThrowableOfType(PlanException.class, () -> loader.load(plan("scale: {hosts: 3}\n")))
                .problems()).singleElement().satisfies(p -> assertThat(p.toString()).contains("hosts"));
    }
}
