package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.Timeouts;
import dev.nightbench.plan.PromptMessage;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.RunParams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanToClientTest {

    @Test
    void aPromptBecomesTheClientsMessagesSystemFirst() {
        PromptSpec prompt = new PromptSpec("p", null, List.of(new PromptMessage("user", "Hi"),
                new PromptMessage("assistant", "Hello"), new PromptMessage("user", "Joke?")), "Be brief.");

        assertThat(PlanToClient.messages(prompt)).containsExactly(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello"), new ChatMessage("user", "Joke?"));
    }

    @Test
    void theRunsTimeoutsKeepEveryLimit() {
        RunParams.Timeouts plan = new RunParams.Timeouts(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(3), Duration.ofMillis(4));

        assertThat(PlanToClient.timeouts(plan)).isEqualTo(new Timeouts(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(3), Duration.ofMillis(4)));
    }

    @Test
    void theClientsDefaultTimeoutsAreThePlansDefaults() {
        assertThat(PlanToClient.timeouts(RunParams.Timeouts.defaults())).isEqualTo(Timeouts.defaults());
    }

    @Test
    void everyPlanConnectionPolicyHasTheClientPolicyOfTheSameName() {
        assertThat(Arrays.stream(dev.nightbench.plan.ConnectionPolicy.values()).map(PlanToClient::connection)
                .map(ConnectionPolicy::name).toList())
                .isEqualTo(Arrays.stream(dev.nightbench.plan.ConnectionPolicy.values()).map(Enum::name).toList());
    }
}
