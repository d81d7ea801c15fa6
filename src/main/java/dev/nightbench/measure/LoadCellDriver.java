package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellExecutor.LoadPhase;
import dev.nightbench.measure.RetryingRequests.Outcome;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

import static dev.nightbench.measure.RetryingRequests.NANOS_PER_MS;
import static dev.nightbench.measure.RetryingRequests.UNSET;

/**
 * The load-cell half of {@link CellExecutor}: runs a load cell's requests concurrently (each with its retries,
 * through {@link RetryingRequests}) and sums the cell up as its {@link LoadPhase}. It exists so that threads,
 * arrival schedules, requests in flight and the sweep and SLO verdict of a load level sit apart from the retry
 * decisions of one request.
 *
 * <p>Each request in flight runs on its own platform thread. Not virtual threads: chunk timestamps are taken on the
 * thread that reads the response, and on a small machine a virtual thread woken by the poller waits for a free
 * carrier first (bench/README.md: at concurrency 64 on 2 cores, TTFT error p99 of 31–55 ms on virtual threads
 * against 7–10 ms on platform threads). The workers log with the log context (MDC) of the thread that runs the cell.
 */
final class LoadCellDriver {

    /** One platform thread per request in flight under load (see the class comment for why not virtual). */
    private static final ThreadFactory LOAD_THREADS =
            Thread.ofPlatform().name("nightbench-load-", 0).daemon(true).factory();

    /** Logs under {@link CellExecutor}'s name, as it did before this class was split off. */
    private static final Logger log = LoggerFactory.getLogger(CellExecutor.class);

    private final Plan plan;
    private final CircuitBreakers breakers;
    private final Clock clock;
    private final NanoClock nanos;
    private final SweepState sweeps;
    private final ClientCeilings ceilings;
    private final RetryingRequests retrying;

    LoadCellDriver(Plan plan, CircuitBreakers breakers, Clock clock, NanoClock nanos, SweepState sweeps,
                   ClientCeilings ceilings, RetryingRequests retrying) {
        this.plan = plan;
        this.breakers = breakers;
        this.clock = clock;
        this.nanos = nanos;
        this.sweeps = sweeps;
        this.ceilings = ceilings;
        this.retrying = retrying;
    }

    /** Runs one load cell of {@code model} through {@code client}: its requests, concurrently, then its phase. */
    CellResult run(Cell cell, ModelSpec model, ModelClient client) {
        return new LoadRun(cell, model, client).run();
    }

    /** One load cell: its requests, concurrently, then its phase. */
    private final class LoadRun {

        private final Cell cell;
        private final ModelSpec model;
        private final ModelClient client;
        /** Conversations' later turns are left out: they make sense only with a history ({@link ConversationTurns}). */
        private final List<PromptSpec> prompts;
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
            // load: {prompts_from: <source>} or all
            this.prompts = ConversationTurns.standAlone(plan.loadPrompts(model.load().promptsFrom()));
            for (PromptSpec p : prompts) {
                requests.add(CellExecutor.requestFor(model, p, plan));
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
            Outcome outcome = retrying.runRequest(model.alias(), index, null, prompts.get(p).id(), client,
                    requests.get(p), scheduled, inFlight, !cell.sweep());
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
                rows.add(new Attempt(i, 1, true, null, retrying.skipped(skip, reason, plan.run().stream()), null,
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
}
