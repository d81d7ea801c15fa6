package dev.nightbench.support;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback model server for process tests whose model {@code gate} answers its first {@code openRequests}
 * requests at once and holds every later one until {@link #release()}: a run in a child JVM is then
 * mid-run for as long as the test needs, however slow the machine.
 */
public final class GatedServer implements AutoCloseable {

    private final CountDownLatch gate = new CountDownLatch(1);
    private final SimulatedServer server;

    public GatedServer(int openRequests) {
        Script answer = Script.stream().role().content("The").delay(2).content(" answer.").finish("stop").usage(5, 2).done();
        server = new SimulatedServer().register("gate", request -> {
            if (request.index() >= openRequests) {
                try {
                    gate.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }).start();
    }

    public String planYaml(String name, int prompts, int rounds) {
        StringBuilder yaml = new StringBuilder("""
                name: %s
                endpoints: [{name: gated, base_url: "%s"}]
                models: [{alias: gate}]
                prompts:
                """.formatted(name, server.baseUrl()));
        for (int i = 0; i < prompts; i++) {
            yaml.append("  - {id: p").append(i).append(", text: \"Question ").append(i).append("\"}\n");
        }
        yaml.append("run: {warmup: 0, rounds: %d, timeouts: {first_token: 10m, idle: 10m, total: 10m}}\n".formatted(rounds));
        return yaml.toString();
    }

    public void release() {
        gate.countDown();
    }

    public int requestCount() {
        return server.requestCount("gate");
    }

    @Override
    public void close() {
        release();
        server.close();
    }
}
