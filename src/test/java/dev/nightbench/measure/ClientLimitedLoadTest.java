package dev.nightbench.measure;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedModels;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.plan.Plan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.nightbench.plan.PlanFixtures.aPlan;
import static dev.nightbench.plan.PlanFixtures.aPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Load levels through the real client against the simulated server on loopback, once with the client starved of CPU
 * (busy threads in this JVM, several per core) and once not. The machine running the tests may itself be busy, so
 * the unstarved case asserts only what a busy machine cannot break.
 */
class ClientLimitedLoadTest {

    private static final Logger log = LoggerFactory.getLogger(ClientLimitedLoadTest.class);

    private SimulatedServer server;
    private ModelClient client;
    private final List<Thread> hogs = new ArrayList<>();
    private volatile boolean hogging;

    @BeforeEach
    void startServer() {
        server = new SimulatedServer().keepSent(0)
                .register("instant", SimulatedModels.instant())
                .script("slow", Script.stream().role().delay(300).content("ok").finish("stop").usage(3, 1).done())
                .start();
        client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM);
    }

    @AfterEach
    void stop() throws InterruptedException {
        hogging = false;
        for (Thread t : hogs) {
            t.join();
        }
        client.close();
        server.close();
    }

    private CellExecutor executor(Plan plan) {
        return new CellExecutor(plan, alias -> client, new CircuitBreakers(1_000), RetryPolicy.none(),
                Clock.systemUTC(), d -> { }, new Random(1), NanoClock.SYSTEM, new SweepState());
    }

    private static Plan plan(String model) {
        return aPlan().withModels(model).withPrompts(aPrompt().withId("a").withText("One")).build();
    }

    /** Busy threads, {@code perCore} for each processor the JVM may use, spinning until the test ends. */
    private void starveTheClient(int perCore) {
        hogging = true;
        for (int i = 0; i < perCore * Runtime.getRuntime().availableProcessors(); i++) {
            hogs.add(Thread.ofPlatform().name("hog-", i).daemon(true).start(() -> {
                long x = 0;
                while (hogging) {
                    x += System.nanoTime() & 1;
                }
                if (x == 42) {
                    log.trace("unlikely");
                }
            }));
        }
    }

    @Test
    void aLevelRunOnAStarvedClientIsMarkedClientLimitedWithTheReason() {
        CellExecutor executor = executor(plan("instant"));
        executor.execute(new Cell(99, "measure", "instant", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 8, 64, null, false));
        // 8 per core: with 4, one run left every signal just under its threshold (CPU 89 %, wait 8.8 %, lag p95 2.08 ms)
        starveTheClient(8);

        CellResult result = executor.execute(
                new Cell(0, "measure", "instant", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 8, 400, null, false));

        ClientLoad c = result.load().client();
        log.info("starved: {}", c);
        assertThat(result.attempts()).hasSize(400);
        assertThat(c.limited()).isTrue();
        // whichever of ClientLimitRules' starvation signals fired first on this host (all name the client's own limit)
        assertThat(c.reason()).isNotBlank().containsAnyOf("client CPU", "waited for a core", "scheduling lag",
                "on the wire");
        assertThat(c.schedLagMsP95()).isNotNull();
        assertThat(c.inFlightMax()).isBetween(1, 8);
    }

    @Test
    void aLevelWhoseServerSetsThePaceIsNotMarked() {
        CellExecutor executor = executor(plan("slow"));

        CellResult result = executor.execute(
                new Cell(0, "measure", "slow", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 2, 8, null, false));

        ClientLoad c = result.load().client();
        log.info("unstarved: {}", c);
        // robust on any machine: 2 workers waiting 300 ms each keep 2 requests on the wire and use little CPU
        assertThat(c.inFlightMax()).isEqualTo(2);
        assertThat(c.inFlightSteadyMean()).isGreaterThan(1.5);
        assertThat(c.cpuShare()).isLessThan(ClientLimitRules.CPU_SHARE);
        // the wait-for-a-core rules are honest on a host so busy that a ready thread waits 30 ms for a core, or the
        // workers wait a tenth of a 300 ms request: this host then starves every client, so skip rather than assert
        assumeThat(c.schedLagMsP95()).isLessThan(30.0);
        assumeThat(c.workerWaitShare() == null || c.workerWaitShare() < ClientLimitRules.WORKER_WAIT_SHARE).isTrue();
        assertThat(c.limited()).as(c.reason()).isFalse();
        assertThat(c.reason()).isNull();
    }
}
