package dev.nightbench.measure;

import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.RequestStatus;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimModel;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.plan.LoadSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.Slo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nightbench.plan.PlanFixtures.aModel;
import static dev.nightbench.plan.PlanFixtures.aPlan;
import static dev.nightbench.plan.PlanFixtures.aPrompt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load cells against the simulated server on loopback, through the real client. Timing assertions are one-sided
 * and generous (a loaded 2-core machine may be slow, never fast); the facts measured are logged.
 */
class LoadCellsTest {

    private static final Logger log = LoggerFactory.getLogger(LoadCellsTest.class);

    private final AtomicInteger serverInFlight = new AtomicInteger();
    private final AtomicInteger serverMaxInFlight = new AtomicInteger();
    private SimulatedServer server;
    private ModelClient client;

    @BeforeEach
    void startServer() {
        server = new SimulatedServer().keepSent(0).onCompleted(r -> serverInFlight.decrementAndGet());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** A model answering every request after a fixed delay, counting requests in flight at the server. */
    private SimModel fixedDelay(long millis) {
        Script answer = Script.stream().role().delay(millis).content("ok").finish("stop").usage(3, 1).done();
        return request -> {
            serverMaxInFlight.accumulateAndGet(serverInFlight.incrementAndGet(), Math::max);
            return answer;
        };
    }

    private CellExecutor executor(Plan plan, SweepState sweeps) {
        server.start();
        client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM);
        return new CellExecutor(plan, alias -> client, new CircuitBreakers(1_000), RetryPolicy.none(),
                Clock.systemUTC(), d -> { }, new Random(1), NanoClock.SYSTEM, sweeps);
    }

    private static Plan plan(Slo slo, String... models) {
        return aPlan().withModels(models)
                .withPrompts(aPrompt().withId("a").withText("One"), aPrompt().withId("b").withText("Two"))
                .withSlo(slo).build();
    }

    /** Loads and compiles the client's code first, so a cold JVM does not stretch the first requests measured. */
    private static void warmUp(CellExecutor executor, String model) {
        executor.execute(new Cell(99, "measure", model, Cell.ALL_PROMPTS, Cell.CONCURRENCY, 8, 32, null, false));
    }

    @Test
    void aClosedLoopKeepsExactlyNRequestsInFlightAtTheServer() {
        server.register("slow", fixedDelay(1_000));
        CellExecutor executor = executor(plan(Slo.NONE, "slow"), new SweepState());
        warmUp(executor, "slow");
        serverMaxInFlight.set(0);
        Cell cell = new Cell(0, "measure", "slow", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 64, 192, null, false);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();

        CellResult result = executor.execute(cell);

        double cpuMsPerRequest = (os.getProcessCpuTime() - cpuBefore) / 1e6 / 192;
        assertThat(result.attempts()).hasSize(192).allSatisfy(a -> assertThat(a.measurement().ok()).isTrue());
        assertThat(result.attempts()).extracting(Attempt::requestIndex).containsExactlyElementsOf(range(192));
        assertThat(result.attempts()).extracting(Attempt::promptId).startsWith("a", "b", "a", "b");
        assertThat(result.load().maxInFlight()).isEqualTo(64);
        assertThat(serverMaxInFlight.get()).isGreaterThanOrEqualTo(64);
        assertThat(result.load().wallMs()).isGreaterThanOrEqualTo(3 * 1_000.0);
        double[] overhead = result.attempts().stream().mapToDouble(a -> a.measurement().e2eMs() - 1_000).sorted().toArray();
        log.info("concurrency 64 x 1000 ms answers: {} in flight at the server, wall {} ms for 3 waves ({} req/s, ideal 64), "
                        + "client overhead over the scripted 1000 ms p50 {} ms p95 {} ms max {} ms, CPU (client and server) "
                        + "{} ms per request, load average {}",
                serverMaxInFlight.get(), Math.round(result.load().wallMs()),
                String.format("%.1f", 192 / (result.load().wallMs() / 1000)),
                String.format("%.1f", SloCheck.percentile(overhead, 50)),
                String.format("%.1f", SloCheck.percentile(overhead, 95)), String.format("%.1f", overhead[overhead.length - 1]),
                String.format("%.2f", cpuMsPerRequest), os.getSystemLoadAverage());
    }

    @Test
    void aClosedLoopBoundedByTimeStartsNoRequestAfterItsDuration() {
        server.register("slow", fixedDelay(100));
        CellExecutor executor = executor(plan(Slo.NONE, "slow"), new SweepState());
        Cell cell = new Cell(0, "measure", "slow", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 4, 0, Duration.ofMillis(600), false);

        CellResult result = executor.execute(cell);

        // at most 4 workers x 600 ms / 100 ms each, and every request index used once
        assertThat(result.attempts().size()).isBetween(1, 4 * 7);
        assertThat(result.attempts()).extracting(Attempt::requestIndex).containsExactlyElementsOf(range(result.attempts().size()));
        assertThat(result.load().maxInFlight()).isEqualTo(4);
    }

    @Test
    void anOpenLoopSendsOnScheduleWhileEarlierResponsesAreStillStreaming() {
        server.register("slow", fixedDelay(1_500));
        server.register("fast", fixedDelay(5));
        CellExecutor executor = executor(plan(Slo.NONE, "slow", "fast"), new SweepState());
        warmUp(executor, "fast");
        Cell cell = new Cell(0, "measure", "slow", Cell.ALL_PROMPTS, Cell.RATE, 40, 80, null, false);

        CellResult result = executor.execute(cell);

        assertThat(result.attempts()).hasSize(80).allSatisfy(a -> {
            assertThat(a.measurement().ok()).isTrue();
            assertThat(a.scheduledLagMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        });
        // ~40 req/s x 1.5 s: a loop waiting for responses could never have more than a few in flight
        assertThat(result.load().maxInFlight()).isGreaterThanOrEqualTo(30);
        assertThat(serverMaxInFlight.get()).isGreaterThanOrEqualTo(30);
        double[] lags = result.attempts().stream().mapToDouble(Attempt::scheduledLagMs).sorted().toArray();
        assertThat(SloCheck.percentile(lags, 50)).isLessThan(500.0);
        assertThat(result.load().offeredRate()).isEqualTo(40.0);
        log.info("rate 40 req/s x 1.5 s answers: {} in flight, scheduled lag p50 {} ms p95 {} ms max {} ms",
                result.load().maxInFlight(), String.format("%.2f", SloCheck.percentile(lags, 50)),
                String.format("%.2f", SloCheck.percentile(lags, 95)), String.format("%.2f", lags[lags.length - 1]));
    }

    @Test
    void aSweepStopsAtTheLevelWhereTheLatencySloBreaksAndSkipsTheLevelsAbove() throws InterruptedException {
        // 10 ms to the first token while at most 10 answers are in progress, 1 s beyond; the limit is far from both
        server.register("crowded", new CrowdedModel(10, 10, 1_000));
        Plan plan = aPlan().withModels(aModel().named("crowded")
                        .withLoad(new LoadSpec(List.of(), List.of(), null, null,
                                new LoadSpec.Sweep("concurrency", 1, 2, 32, 32, null))))
                .withSlo(new Slo(400.0, null, null, null, 95)).build();
        SweepState sweeps = new SweepState();
        CellExecutor executor = executor(plan, sweeps);
        warmUp(executor, "crowded");
        Thread.sleep(1_200); // the warm-up's slow answers are over
        List<Cell> cells = CellPlanner.measureCells(plan).stream().filter(Cell::isLoad).toList();
        assertThat(cells).extracting(Cell::loadLevel).containsExactly(1.0, 2.0, 4.0, 8.0, 16.0, 32.0);

        List<CellResult> results = cells.stream().map(executor::execute).toList();

        assertThat(results).extracting(r -> r.load().held())
                .containsExactly(true, true, true, true, false, null);
        assertThat(results.get(4).load().sloBroken()).startsWith("ttft_ms p95 ").endsWith(" ms > 400 ms");
        CellResult skipped = results.get(5);
        assertThat(skipped.load().skipped()).isTrue();
        assertThat(skipped.load().skipReason()).startsWith("sweep stopped: SLO ttft_ms p95 ")
                .endsWith(" broke at concurrency 16");
        assertThat(skipped.attempts()).hasSize(32).allSatisfy(a -> {
            assertThat(a.measurement().status()).isEqualTo(RequestStatus.SKIPPED);
            assertThat(a.measurement().errorType()).isEqualTo(SkipReason.SWEEP_STOPPED.code());
        });
        assertThat(sweeps.stopReason("crowded")).contains(skipped.load().skipReason());
    }

    @Test
    void aLoadCellOfAFailedModelIsRecordedAsSkippedWithoutACall() {
        server.register("slow", fixedDelay(10));
        CircuitBreakers breakers = new CircuitBreakers(3);
        breakers.open("slow", "unavailable: not listed");
        server.start();
        client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM);
        CellExecutor executor = new CellExecutor(plan(Slo.NONE, "slow"), alias -> client, breakers, RetryPolicy.none(),
                Clock.systemUTC(), d -> { }, new Random(1), NanoClock.SYSTEM, new SweepState());

        CellResult result = executor.execute(new Cell(3, "measure", "slow", Cell.ALL_PROMPTS, Cell.RATE, 5, 6, null, false));

        assertThat(result.attempts()).hasSize(6).allSatisfy(a -> assertThat(a.measurement().errorType()).isEqualTo("skipped"));
        assertThat(result.load().skipped()).isTrue();
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void retriesAndTheCircuitBreakerWorkUnderConcurrency() {
        // every request to the model fails with 503: 3 attempts each, until 5 failed requests open the breaker
        server.register("down", request -> Script.status(503).after(20));
        server.start();
        client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM);
        CircuitBreakers breakers = new CircuitBreakers(5);
        CellExecutor executor = new CellExecutor(plan(Slo.NONE, "down"), alias -> client, breakers,
                RetryPolicy.defaults(), Clock.systemUTC(), d -> { }, new Random(1), NanoClock.SYSTEM, new SweepState());

        CellResult result = executor.execute(new Cell(0, "measure", "down", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 8, 40, null, false));

        List<Attempt> finals = result.attempts().stream().filter(Attempt::isFinal).toList();
        assertThat(finals).hasSize(40);
        assertThat(breakers.openReason("down")).isPresent();
        List<Attempt> failed = finals.stream().filter(a -> "http_5xx".equals(a.measurement().errorType())).toList();
        // at least the 5 that opened it, at most one more per worker in flight when it opened
        assertThat(failed.size()).isBetween(5, 5 + 8);
        assertThat(failed).allSatisfy(a -> assertThat(a.attempt()).isEqualTo(3));
        assertThat(finals.size() - failed.size()).isEqualTo((int) finals.stream()
                .filter(a -> "skipped".equals(a.measurement().errorType())).count());
        assertThat(result.attempts()).hasSize(finals.size() + 2 * failed.size());
    }

    private static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }

    /**
     * Answers fast while few answers are in progress and slowly beyond a threshold. It books each answer's end
     * from its own script, so a request is never counted as busy after its answer was sent.
     */
    private static final class CrowdedModel implements SimModel {

        private final int threshold;
        private final long fastMs;
        private final long slowMs;
        private final PriorityQueue<Long> busyUntil = new PriorityQueue<>();

        CrowdedModel(int threshold, long fastMs, long slowMs) {
            this.threshold = threshold;
            this.fastMs = fastMs;
            this.slowMs = slowMs;
        }

        @Override
        public Script respond(dev.nightbench.client.sim.SimRequest request) {
            long now = System.nanoTime();
            long delay;
            synchronized (busyUntil) {
                while (!busyUntil.isEmpty() && busyUntil.peek() - now <= 0) {
                    busyUntil.poll();
                }
                delay = busyUntil.size() + 1 > threshold ? slowMs : fastMs;
                busyUntil.add(now + Duration.ofMillis(delay + 5).toNanos());
            }
            return Script.stream().role().delay(delay).content("a").delay(5).content(" b").finish("stop").usage(2, 2)
                    .done();
        }
    }
}
