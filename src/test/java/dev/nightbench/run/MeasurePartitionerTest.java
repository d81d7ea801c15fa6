package dev.nightbench.run;

import dev.nightbench.measure.CellPlanner;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** How the measure cells are split into partitions, and what a manager says when the broker is not there. */
class MeasurePartitionerTest {

    @TempDir
    Path dir;

    private Plan plan(String scale) throws IOException {
        return PlanLoader.withEnvironment(Map.of()).load(Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: gpu, type: simulated}, {name: cloud, type: simulated}]
                models:
                  - {alias: a1, endpoint: gpu, model: sim-fast}
                  - {alias: a2, endpoint: gpu, model: sim-medium}
                  - {alias: b1, endpoint: cloud, model: sim-fast}
                  - {alias: b2, endpoint: cloud, model: sim-medium}
                prompts: [{id: p0, text: "Q0"}, {id: p1, text: "Q1"}]
                run: {rounds: 1}
                """ + scale));
    }

    private Map<String, ExecutionContext> partitions(Plan plan) {
        return new MeasurePartitioner(plan, CellPlanner.measureCells(plan)).partition(4);
    }

    @Test
    void byEndpointEachEndpointsCellsAreOnePartitionWithTheirStableIndexes() throws IOException {
        Map<String, ExecutionContext> p = partitions(plan("scale: {partition_by: endpoint}\n"));

        assertThat(p).containsOnlyKeys("endpoint-gpu", "endpoint-cloud");
        assertThat(p.get("endpoint-gpu").getString(MeasurePartitioner.CELLS)).isEqualTo("0,1,2,3");
        assertThat(p.get("endpoint-cloud").getString(MeasurePartitioner.CELLS)).isEqualTo("4,5,6,7");
    }

    @Test
    void twoModelsOnOneEndpointStayTogetherUnlessTheEndpointTakesParallelWork() throws IOException {
        Map<String, ExecutionContext> p = partitions(plan("scale: {partition_by: model, parallel_endpoints: [cloud]}\n"));

        assertThat(p).containsOnlyKeys("endpoint-gpu", "model-b1", "model-b2");
        assertThat(p.get("model-b2").getString(MeasurePartitioner.CELLS)).isEqualTo("6,7");
        assertThat(partitions(plan("scale: {partition_by: cell, parallel_endpoints: [gpu]}\n")))
                .containsOnlyKeys("cell-0", "cell-1", "cell-2", "cell-3", "endpoint-cloud");
    }

    @Test
    void aPartitionsReaderGetsExactlyItsCellsInRunOrder() throws IOException {
        Plan plan = plan("scale: {partition_by: endpoint}\n");

        assertThat(MeasurePartitioner.cellsOf(CellPlanner.measureCells(plan), "4,6,5"))
                .extracting(c -> c.index()).containsExactly(4, 5, 6);
    }

    @Test
    void aBrokerThatCannotBeReachedIsOneClearErrorWithoutTheCredentials() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CachingConnectionFactory factory = new CachingConnectionFactory(URI.create("amqp://nb:s3cret@127.0.0.1:" + port));
        factory.setConnectionTimeout(2000);
        try {
            Throwable e = catchThrowable(() -> RabbitPartitions.checkBroker(factory, new RabbitAdmin(factory),
                    new Queue("nightbench.test")));

            assertThat(e).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cannot reach the RabbitMQ broker at 127.0.0.1:" + port)
                    .hasMessageContaining("NIGHTBENCH_RABBIT_URL");
            assertThat(e.getMessage()).doesNotContain("s3cret");
        } finally {
            factory.destroy();
        }
    }
}
