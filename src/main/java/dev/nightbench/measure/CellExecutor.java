package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.RunParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs every request of a {@link Cell} through a {@link ModelClient} and returns every attempt's
 * measurement. Faults are handled here, not by Spring Batch: each failure is classified, retried per the
 * {@link RetryPolicy}, and fed to the model's circuit breaker; a model whose breaker is open gets its
 * requests recorded as skipped without a call.
 *
 * <p>Load cells run their requests concurrently, each on its own platform thread. Not virtual threads: chunk
 * timestamps are taken on the thread that reads the response, and on a small machine a virtual thread woken by
 * the poller waits for a free carrier first (bench/README.md: at concurrency 64 on 2 cores, TTFT error p99 of
 * 31–55 ms on virtual threads against 7–10 ms on platform threads):
 * <ul>
 *   <li><b>closed loop</b> ({@code concurrency N}): N workers, each sending its next request (and its retries)
 *       when its previous one finished, until the cell's request count is used up or its duration has passed;</li>
 *   <li><b>open loop</b> ({@code rate R}): every send time is fixed before the first request
 *       ({@link PoissonArrivals}); the calling thread sleeps until each one and starts the request on a new
 *       thread, whether or not earlier ones finished. Each request records {@code scheduled_lag_ms} = actual send
 *       (t0) − scheduled send, so queueing in the client (a late dispatcher, busy carrier threads) shows instead
 *       of silently lowering the offered load.</li>
 * </ul>
 * A load cell also returns its {@link LoadPhase}: wall time from the first send to the last completion, the
 * highest number of requests in flight in the client, whether the plan's SLOs held at that load, and what the client
 * itself did ({@link ClientLoad}: CPU, wait for a core, requests on the wire, whether it set the pace). A sweep level
 * that breaks them stops the model's sweep ({@link SweepState}); its higher levels are recorded as skipped. Failures
 * in a sweep do not count towards the model's circuit breaker (finding the load at which requests fail is the
 * sweep's purpose, and its error-rate limit stops it), except a model the server refuses.
 *
 * <p>Thread-safe as far as load cells need: the breakers, sweep state and retry policy are shared by the workers,
 * and the {@code random} given must be thread-safe (SecureRandom, Random).
 */
public final class CellExecutor {

    /** One platform thread per request in flight under load (see the class comment for why not virtual). */
    private static final java.util.concurrent.ThreadFactory LOAD_THREADS =
            Thread.ofPlatform().name("nightbench-load-", 0).daemon(true).factory();

    private static final Logger log = LoggerFactory.getLogger(CellExecutor.class);
    private static final List<String> REQUEST_KEYS = List.of("max_tokens", "temperature", "seed");
    private static final long UNSET = Long.MIN_VALUE;
    private static final double NANOS_PER_MS = 1_000_000.0;

    /** Sleeps between retries; injectable so tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * One attempt of one request of the cell.
     *
     * @param scheduledLagMs open loop, first attempt: actual send − scheduled send; else null
     * @param promptId       the prompt this request sent
     */
    public record Attempt(int requestIndex, int attempt, boolean isFinal, Integer round, Measurement measurement,
                          Double scheduledLagMs, String promptId) {
    }

    /**
     * What a load cell did as a whole.
     *
     * @param startedAt    wall-clock time the cell started sending
     * @param wallMs       first send (t0) → last completion, ms; null when nothing was sent
     * @param requests     requests recorded (final attempts, skipped ones included)
     * @param sent         requests sent at least once
     * @param okRequests   requests whose final attempt succeeded
     * @param offeredRate  the open-loop rate in req/s; null for a closed loop
     * @param maxInFlight  the most requests in flight in the client at once
     * @param skipped      true when the cell was not run (sweep stopped, or its model failed before)
     * @param held         whether the plan's SLOs and error-rate limit held ({@link SloCheck}); null when skipped
     * @param sloBroken    what broke, or null
     * @param skipReason   why the cell was skipped, or null
     * @param client       what the client itself did and whether it set the pace ({@link ClientLoad}); null when
     *                     skipped
     */
    public record LoadPhase(Instant startedAt, Double wallMs, int requests, int sent, int okRequests,
                            Double offeredRate, int maxInFlight, boolean skipped, Boolean held, String sloBroken,
                            String skipReason, ClientLoad client) {

        public LoadPhase(Instant startedAt, Double wallMs, int requests, int sent, int okRequests, Double offeredRate,
                         int maxInFlight, boolean skipped, Boolean held, String sloBroken, String skipReason) {
            this(startedAt, wallMs, requests, sent, okRequests, offeredRate, maxInFlight, skipped, held, sloBroken,
                    skipReason, null);
        }
    }

    /** What a cell produced: every attempt, in order, and for a load cell its phase. */
    public record CellResult(Cell cell, List<Attempt> attempts, LoadPhase load) {

        public CellResult(Cell cell, List<Attempt> attempts) {
            this(cell, attempts, null);
        }
    }

    private final Plan plan;
    private final Function<String, ModelClient> clientForModel;
    private final CircuitBreakers breakers;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final NanoClock nanos;
    private final SweepState sweeps;
    private final ClientCeilings ceilings;

    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this(plan, clientForModel, breakers, retry, clock, sleeper, random, NanoClock.SYSTEM, new SweepState());
    }

    /**
     * @param nanos  the nano-time source of the clients (send times are compared with the schedule on it)
     * @param sweeps which models' sweeps stopped (shared with the run, restored on a restart)
     */
    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random, NanoClock nanos,
                        SweepState sweeps) {
        this(plan, clientForModel, breakers, retry, clock, sleeper, random, nanos, sweeps, ClientCeilings.NONE);
    }

    /** @param ceilings the client's own ceiling per concurrency, for the client-limited rules ({@link ClientLimitRules}) */
    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random, NanoClock nanos,
                        SweepState sweeps, ClientCeilings ceilings) {
        this.ceilings = ceilings;
        this.plan = plan;
        this.clientForModel = clientForModel;
        this.breakers = breakers;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.nanos = nanos;
        this.sweeps = sweeps;
    }

    public CellResult execute(Cell cell) {
        ModelSpec model = plan.model(cell.modelAlias()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": model '" + cell.modelAlias() + "' is not in the plan"));
        ModelClient client = clientForModel.apply(model.alias());
        if (cell.isLoad()) {
            return new LoadRun(cell, model, client).run();
        }
        PromptSpec prompt = plan.prompt(cell.promptId()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": prompt '" + cell.promptId() + "' is not in the plan"));
        ChatRequest request = requestFor(model, prompt, plan.run());
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < cell.requests(); i++) {
            attempts.addAll(runRequest(cell.modelAlias(), i, i + 1, prompt.id(), client, request, UNSET, null).attempts());
        }
        return new CellResult(cell, List.copyOf(attempts));
    }

    /** A request's attempts, and when it was first sent and last completed (nano time; UNSET when never). */
    private record Outcome(List<Attempt> attempts, long firstSent, long lastClosed) {
    }

    /** Requests in flight in the client, and the most at once; each attempt's time on the wire goes to the monitor. */
    private static final class InFlight {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final ClientLoadMonitor monitor = new ClientLoadMonitor();

        void enter() {
            monitor.onEnter();
            int n = now.incrementAndGet();
            max.accumulateAndGet(n, Math::max);
        }

        void exit(RequestMeter meter) {
            now.decrementAndGet();
            monitor.onExit();
            if (meter.sentNanos() != Long.MIN_VALUE && meter.closedNanos() != Long.MIN_VALUE) {
                monitor.onWire(meter.sentNanos(), meter.closedNanos());
            }
        }
    }

    /**
     * One request with its retries. Uses only local state and the thread-safe breakers, so load workers call it
     * concurrently.
     *
     * @param scheduled open loop: the scheduled send (nano time), else UNSET
     */
    private Outcome runRequest(String model, int requestIndex, Integer round, String promptId, ModelClient client,
                               ChatRequest request, long scheduled, InFlight inFlight) {
        return runRequest(model, requestIndex, round, promptId, client, request, scheduled, inFlight, true);
    }

    /**
     * @param countFailures whether a failed request counts towards the model's breaker (not in a sweep, which is
     *                      meant to find the load at which requests fail; a refused model still opens it)
     */
    private Outcome runRequest(String model, int requestIndex, Integer round, String promptId, ModelClient client,
                               ChatRequest request, long scheduled, InFlight inFlight, boolean countFailures) {
        Optional<String> open = breakers.openReason(model);
        if (open.isPresent()) {
            Measurement skipped = skipped(SkipReason.MODEL_FAILED, "model failed: " + open.get(), request.stream());
            return new Outcome(List.of(new Attempt(requestIndex, 1, true, round, skipped, null, promptId)), UNSET, UNSET);
        }
        List<Attempt> attempts = new ArrayList<>();
        long firstSent = UNSET;
        long lastClosed = UNSET;
        Double backoffMs = null; // the backoff actually waited before this attempt, stored on its row
        for (int attempt = 1; ; attempt++) {
            RequestMeter meter = new RequestMeter(request.stream(), RequestMeter.DEFAULT_TEXT_LIMIT, client::redact);
            Measurement m = measureOnce(client, request, meter, inFlight);
            if (backoffMs != null) {
                m = m.withBackoffMs(backoffMs);
            }
            if (firstSent == UNSET && meter.sentNanos() != Long.MIN_VALUE) {
                firstSent = meter.sentNanos();
            }
            if (meter.closedNanos() != Long.MIN_VALUE) {
                lastClosed = meter.closedNanos();
            }
            Double lag = attempt == 1 && scheduled != UNSET && meter.sentNanos() != Long.MIN_VALUE
                    ? (meter.sentNanos() - scheduled) / NANOS_PER_MS : null;
            FailureClass failure = m.failure();
            boolean again = failure != null && retry.shouldRetry(failure, attempt) && !Thread.currentThread().isInterrupted();
            attempts.add(new Attempt(requestIndex, attempt, !again, round, m, lag, promptId));
            if (failure == null) {
                if (countFailures) {
                    breakers.recordSuccess(model);
                }
                return new Outcome(attempts, firstSent, lastClosed);
            }
            if (!again) {
                if (failure == FailureClass.HTTP_4XX) {
                    breakers.open(model, "the server refused the model (HTTP " + m.httpStatus() + "): " + m.errorMessage());
                } else if (countFailures && breakers.recordFailure(model, m.errorType() + ": " + m.errorMessage())) {
                    log.warn("Model {} failed {}; its remaining requests are skipped", model,
                            breakers.openReason(model).orElse(""));
                }
                return new Outcome(attempts, firstSent, lastClosed);
            }
            Duration wait = retry.backoff(failure, attempt,
                    m.retryAfterMs() == null ? null : Duration.ofMillis(m.retryAfterMs()), random);
            log.debug("{} attempt {} failed ({}), retrying in {} ms", model, attempt, m.errorType(), wait.toMillis());
            long slept = nanos.nanoTime();
            try {
                sleeper.sleep(wait);
                backoffMs = (nanos.nanoTime() - slept) / NANOS_PER_MS;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(attempts, firstSent, lastClosed);
            }
        }
    }

    private Measurement measureOnce(ModelClient client, ChatRequest request, RequestMeter meter, InFlight inFlight) {
        Instant startedAt = clock.instant();
        if (inFlight != null) {
            inFlight.enter();
        }
        try {
            client.chat(request, meter);
            return meter.toMeasurement(startedAt, null);
        } catch (ModelClientException e) {
            return meter.toMeasurement(startedAt, e);
        } finally {
            if (inFlight != null) {
                inFlight.exit(meter);
            }
        }
    }

    /** One load cell: its requests, concurrently, then its phase. */
    private final class LoadRun {

        private final Cell cell;
        private final ModelSpec model;
        private final ModelClient client;
        private final List<PromptSpec> prompts = plan.prompts();
        private final List<ChatRequest> requests = new ArrayList<>();
        private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        private final InFlight inFlight = new InFlight();
        private final AtomicLong firstSent = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastClosed = new AtomicLong(Long.MIN_VALUE);
        private final AtomicInteger sent = new AtomicInteger();

        LoadRun(Cell cell, ModelSpec model, ModelClient client) {
            this.cell = cell;
            this.model = model;
            this.client = client;
            for (PromptSpec p : prompts) {
                requests.add(requestFor(model, p, plan.run()));
            }
        }

        CellResult run() {
            if (cell.sweep()) {
                Optional<String> stopped = sweeps.stopReason(model.alias());
                if (stopped.isPresent()) {
                    return skippedCell(SkipReason.SWEEP_STOPPED, stopped.get());
                }
            }
            Optional<String> open = breakers.openReason(model.alias());
            if (open.isPresent()) {
                return skippedCell(SkipReason.MODEL_FAILED, "model failed: " + open.get());
            }
            Optional<Double> ceiling = Cell.RATE.equals(cell.loadMode()) ? Optional.empty()
                    : ceilings.at((int) cell.loadLevel());
            Instant startedAt = clock.instant();
            inFlight.monitor.start();
            try (ExecutorService threads = Executors.newThreadPerTaskExecutor(withLogContext(LOAD_THREADS))) {
                List<Future<?>> tasks = Cell.RATE.equals(cell.loadMode()) ? openLoop(threads) : closedLoop(threads);
                for (Future<?> task : tasks) {
                    join(task);
                }
            } catch (RuntimeException e) {
                inFlight.monitor.stop(0); // ends its probe thread
                throw e;
            }
            return finish(startedAt, ceiling.orElse(null));
        }

        /** N workers, each sending its next request when its previous one (with retries) finished. */
        private List<Future<?>> closedLoop(ExecutorService threads) {
            int workers = (int) cell.loadLevel();
            long deadline = cell.duration() == null ? Long.MAX_VALUE : nanos.nanoTime() + cell.duration().toNanos();
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                tasks.add(threads.submit(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        // bounded by time: stop at the deadline, or once the model failed (no rows to fill in)
                        if (cell.duration() != null && (nanos.nanoTime() - deadline >= 0
                                || breakers.openReason(model.alias()).isPresent())) {
                            return;
                        }
                        int i = next.getAndIncrement();
                        if (cell.duration() == null && i >= cell.requests()) {
                            return;
                        }
                        send(i, UNSET);
                    }
                }));
            }
            return tasks;
        }

        /** Sends at the scheduled times, each request on its own thread, whether or not earlier ones finished. */
        private List<Future<?>> openLoop(ExecutorService threads) {
            long[] offsets = PoissonArrivals.offsets(cell.loadLevel(), cell.requests(), cell.duration(),
                    PoissonArrivals.seedFor(plan.run().seed(), cell.loadLevel()));
            List<Future<?>> tasks = new ArrayList<>();
            long start = nanos.nanoTime();
            for (int k = 0; k < offsets.length; k++) {
                if (breakers.openReason(model.alias()).isPresent()) {
                    for (int rest = k; rest < offsets.length; rest++) {
                        send(rest, UNSET); // recorded as skipped at once, nothing sent
                    }
                    break;
                }
                long scheduled = start + offsets[k];
                if (!sleepUntil(scheduled)) {
                    break;
                }
                int index = k;
                tasks.add(threads.submit(() -> send(index, scheduled)));
            }
            return tasks;
        }

        private void send(int index, long scheduled) {
            int p = index % prompts.size();
            Outcome outcome = runRequest(model.alias(), index, null, prompts.get(p).id(), client, requests.get(p),
                    scheduled, inFlight, !cell.sweep());
            attempts.addAll(outcome.attempts());
            if (outcome.firstSent() != UNSET) {
                sent.incrementAndGet();
                firstSent.accumulateAndGet(outcome.firstSent(), Math::min);
            }
            if (outcome.lastClosed() != UNSET) {
                lastClosed.accumulateAndGet(outcome.lastClosed(), Math::max);
            }
        }

        /** @return false when interrupted */
        private boolean sleepUntil(long target) {
            long remaining;
            while ((remaining = target - nanos.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
            return true;
        }

        private CellResult finish(Instant startedAt, Double ceilingRps) {
            ClientLoadMonitor.Reading reading = inFlight.monitor.stop(ClientLoadMonitor.PROBE_PERIOD_MS * 10);
            List<Attempt> ordered = attempts.stream()
                    .sorted(Comparator.comparingInt(Attempt::requestIndex).thenComparingInt(Attempt::attempt))
                    .toList();
            List<Measurement> finals = ordered.stream().filter(Attempt::isFinal).map(Attempt::measurement).toList();
            int ok = (int) finals.stream().filter(Measurement::ok).count();
            Double wallMs = sent.get() > 0 && lastClosed.get() != Long.MIN_VALUE
                    ? (lastClosed.get() - firstSent.get()) / NANOS_PER_MS : null;
            SloCheck.Verdict verdict = SloCheck.evaluate(finals, plan.slo());
            if (cell.sweep() && !verdict.held()) {
                String reason = SweepState.reason(verdict.broken(), cell.loadMode(), cell.loadLevel());
                sweeps.stop(model.alias(), reason);
                log.info("Model {}: {}", model.alias(), reason);
            }
            log.info("Model {} at {}: {} requests ({} ok) in {} ms, at most {} in flight{}", model.alias(),
                    cell.describeLoad(), finals.size(), ok, wallMs == null ? "-" : Math.round(wallMs),
                    inFlight.max.get(), verdict.held() ? "" : "; SLO broken: " + verdict.broken());
            ClientLoad clientLoad = ClientLoads.of(reading, cell, ordered, finals, wallMs, ceilingRps);
            if (ceilingRps != null && wallMs != null && wallMs > 0) {
                ceilings.observed((int) cell.loadLevel(), ok * 1000.0 / wallMs);
            }
            if (clientLoad.limited()) {
                log.warn("Model {} at {} was CLIENT-LIMITED (its figures describe this client, not the server): {}",
                        model.alias(), cell.describeLoad(), clientLoad.reason());
            }
            return new CellResult(cell, ordered, new LoadPhase(startedAt, wallMs, finals.size(), sent.get(), ok,
                    offeredRate(), inFlight.max.get(), false, verdict.held(), verdict.broken(), null, clientLoad));
        }

        /** A cell not run: its planned requests (one row when bounded by time) recorded as skipped. */
        private CellResult skippedCell(SkipReason skip, String reason) {
            int n = cell.requests() > 0 ? cell.requests() : 1;
            List<Attempt> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(new Attempt(i, 1, true, null, skipped(skip, reason, plan.run().stream()), null,
                        prompts.get(i % prompts.size()).id()));
            }
            return new CellResult(cell, List.copyOf(rows), new LoadPhase(clock.instant(), null, n, 0, 0, offeredRate(),
                    0, true, null, null, reason));
        }

        private Double offeredRate() {
            return Cell.RATE.equals(cell.loadMode()) ? cell.loadLevel() : null;
        }

        private void join(Future<?> task) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("load worker failed", e.getCause());
            }
        }
    }

    /**
     * Load workers log with the log context (MDC: run id, model) of the thread that runs the cell: copied into each
     * worker when it starts and cleared when it ends.
     */
    private static ThreadFactory withLogContext(ThreadFactory threads) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return task -> threads.newThread(() -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                task.run();
            } finally {
                MDC.clear();
            }
        });
    }

    /** The request for a model and prompt: the run's parameters, overridden by the model's own. */
    public static ChatRequest requestFor(ModelSpec model, PromptSpec prompt, RunParams run) {
        Map<String, Object> params = model.params();
        Integer maxTokens = params.containsKey("max_tokens") ? ((Number) params.get("max_tokens")).intValue() : run.maxTokens();
        Double temperature = params.containsKey("temperature") ? ((Number) params.get("temperature")).doubleValue() : run.temperature();
        Long seed = params.containsKey("seed") ? ((Number) params.get("seed")).longValue() : run.seed();
        Map<String, Object> extra = new HashMap<>(params);
        REQUEST_KEYS.forEach(extra::remove);
        return new ChatRequest(model.model(), PlanToClient.messages(prompt), maxTokens, temperature, seed, run.stream(), extra);
    }

    /** The row for a request not sent: its model failed, or its sweep stopped. */
    private Measurement skipped(SkipReason reason, String message, boolean streamed) {
        return Measurement.skipped(clock.instant(), reason, message, streamed);
    }
}
