package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.Timeouts;
import dev.nightbench.plan.PromptMessage;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.RunParams;

import java.util.List;

/**
 * The one place where the plan's types become the client's: a prompt's messages, the run's timeouts and an
 * endpoint's connection policy. {@code plan} and {@code client} each own their types so neither imports the other;
 * {@code measure} (which builds the requests) and {@code run} (which builds the clients) both map through here.
 */
public final class PlanToClient {

    private PlanToClient() {
    }

    /** The messages of a prompt, system prompt first, as the client sends them. */
    public static List<ChatMessage> messages(PromptSpec prompt) {
        return prompt.toMessages().stream().map(PlanToClient::message).toList();
    }

    public static ChatMessage message(PromptMessage message) {
        return new ChatMessage(message.role(), message.content());
    }

    public static Timeouts timeouts(RunParams.Timeouts timeouts) {
        return new Timeouts(timeouts.connect(), timeouts.firstToken(), timeouts.idle(), timeouts.total());
    }

    public static ConnectionPolicy connection(dev.nightbench.plan.ConnectionPolicy policy) {
        return switch (policy) {
            case KEEP_ALIVE -> ConnectionPolicy.KEEP_ALIVE;
            case CLOSE -> ConnectionPolicy.CLOSE;
        };
    }
}
