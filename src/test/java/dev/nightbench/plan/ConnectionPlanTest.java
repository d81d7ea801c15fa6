package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run.connection} and {@code endpoints[].connection}: the run's policy, and an endpoint's over it. */
class ConnectionPlanTest {

    @TempDir
    Path dir;

    @Test
    void connectionsAreKeptAliveUnlessThePlanSaysOtherwise() throws IOException {
        Plan plan = load("""
                endpoints: [{name: a, base_url: "http://localhost:8080/v1"}]
                models: [{alias: m}]
                prompts: [{id: q, text: Hi}]
                """);

        assertThat(plan.run().connection()).isEqualTo(ConnectionPolicy.KEEP_ALIVE);
        assertThat(plan.endpoints().getFirst().connection(plan.run())).isEqualTo(ConnectionPolicy.KEEP_ALIVE);
    }

    @Test
    void anEndpointsOwnPolicyOverridesTheRuns() throws IOException {
        Plan plan = load("""
                endpoints:
                  - {name: llama, base_url: "http://localhost:8080/v1", connection: keep_alive}
                  - {name: other, base_url: "http://localhost:8081/v1"}
                models: [{alias: m, endpoint: llama}, {alias: n, endpoint: other}]
                prompts: [{id: q, text: Hi}]
                run: {connection: close}
                """);

        assertThat(plan.run().connection()).isEqualTo(ConnectionPolicy.CLOSE);
        assertThat(plan.endpoints().get(0).connection(plan.run())).isEqualTo(ConnectionPolicy.KEEP_ALIVE);
        assertThat(plan.endpoints().get(1).connection(plan.run())).isEqualTo(ConnectionPolicy.CLOSE);
    }

    private Plan load(String yaml) throws IOException {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        return PlanLoader.withEnvironment(Map.of()).load(file);
    }
}
