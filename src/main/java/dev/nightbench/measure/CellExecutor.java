package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.NanoClock;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.RunParams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs every request of a {@link Cell} through a {@link ModelClient} and returns every attempt's
 * measurement. Faults are handled here, not by Spring Batch: each failure is classified, retried per the
 * {@link RetryPolicy}, and fed to the model's circuit breaker; a model whose breaker is open gets its
 * requests recorded as skipped without a call.
 *
 * <p>Load cells run their requests concurrently, each on its own platform thread ({@link LoadCellDriver} says why
 * not virtual threads):
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
 *
 * <p>This class is the public face and coordinator: it resolves a cell's model and prompt and hands latency cells'
 * requests one by one to {@link RetryingRequests} (attempts, backoff, breaker bookkeeping) and load cells to
 * {@link LoadCellDriver} (threads, arrivals, requests in flight, the phase record).
 */
public final class CellExecutor {

    private static final List<String> REQUEST_KEYS = List.of("max_tokens", "temperature", "seed");

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
                          Double scheduledLagMs, String promptId, String modelAlias, String stage) {

        /** An attempt of a model's own cell (model: the cell's; no stage). */
        public Attempt(int requestIndex, int attempt, boolean isFinal, Integer round, Measurement measurement,
                       Double scheduledLagMs, String promptId) {
            this(requestIndex, attempt, isFinal, round, measurement, scheduledLagMs, promptId, null, null);
        }

        /** This attempt as a pipeline's stage ({@link PipelineRunner#DRAFT} or {@code REFINE}) by this model. */
        Attempt inStage(String model, String pipelineStage) {
            return new Attempt(requestIndex, attempt, isFinal, round, measurement, scheduledLagMs, promptId, model,
                    pipelineStage);
        }
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

    /**
     * What a cell produced: every attempt, in order, for a load cell its phase, and for a pipeline cell with a
     * {@code judge_below} rule what the judge said of each successful draft.
     */
    public record CellResult(Cell cell, List<Attempt> attempts, LoadPhase load, List<DraftJudge.Judgement> judgements) {

        public CellResult {
            judgements = judgements == null ? List.of() : List.copyOf(judgements);
        }

        public CellResult(Cell cell, List<Attempt> attempts, LoadPhase load) {
            this(cell, attempts, load, List.of());
        }

        public CellResult(Cell cell, List<Attempt> attempts) {
            this(cell, attempts, null);
        }
    }

    private final Plan plan;
    private final Function<String, ModelClient> clientForModel;
    private final RetryingRequests retrying;
    private final LoadCellDriver load;
    private final PipelineRunner pipelines;
    private final ConversationTurns conversations;

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
        this(plan, clientForModel, breakers, retry, clock, sleeper, random, nanos, sweeps, ceilings, AnswerChecks.NONE);
    }

    /** @param checks whether a draft passes its prompt's checks, for a pipeline's {@code check_fails} escalation */
    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random, NanoClock nanos,
                        SweepState sweeps, ClientCeilings ceilings, AnswerChecks checks) {
        this(plan, clientForModel, breakers, retry, clock, sleeper, random, nanos, sweeps, ceilings, checks,
                DraftJudge.NONE);
    }

    /** @param judge the plan's judge on a pipeline's draft, for a {@code judge_below} escalation */
    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random, NanoClock nanos,
                        SweepState sweeps, ClientCeilings ceilings, AnswerChecks checks, DraftJudge judge) {
        this(plan, clientForModel, breakers, retry, clock, sleeper, random, nanos, sweeps, ceilings, checks, judge,
                ConversationHistory.NONE);
    }

    /** @param history the model's stored answers to a conversation's earlier turns ({@link ConversationTurns}) */
    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random, NanoClock nanos,
                        SweepState sweeps, ClientCeilings ceilings, AnswerChecks checks, DraftJudge judge,
                        ConversationHistory history) {
        this.plan = plan;
        this.clientForModel = clientForModel;
        this.retrying = new RetryingRequests(breakers, retry, clock, sleeper, random, nanos,
                plan.run().answerMaxBytes(), AnswerBudget.quarterOfHeap());
        this.load = new LoadCellDriver(plan, breakers, clock, nanos, sweeps, ceilings, retrying);
        this.pipelines = new PipelineRunner(plan, clientForModel, retrying, checks, judge);
        this.conversations = new ConversationTurns(plan, history, retrying);
    }

    public CellResult execute(Cell cell) {
        ModelSpec model = plan.model(cell.modelAlias()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": model '" + cell.modelAlias() + "' is not in the plan"));
        ModelClient client = clientForModel.apply(model.alias());
        retrying.newCell();
        if (cell.isLoad()) {
            return load.run(cell, model, client);
        }
        PromptSpec prompt = plan.prompt(cell.promptId()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": prompt '" + cell.promptId() + "' is not in the plan"));
        if (cell.pipeline() != null) {
            return pipelines.run(cell, prompt);
        }
        if (prompt.origin().isTurn() && "measure".equals(cell.phase())) {
            return conversations.run(cell, model, client, prompt);
        }
        ChatRequest request = requestFor(model, prompt, plan);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < cell.requests(); i++) {
            attempts.addAll(retrying.runRequest(cell.modelAlias(), i, i + 1, prompt.id(), client, request,
                    RetryingRequests.UNSET, null).attempts());
        }
        return new CellResult(cell, List.copyOf(attempts));
    }

    /**
     * Counts answers the server sent no usage for with the models' own tokenizers ({@link TokenizerCounts}).
     *
     * @param byModel real tokenizers by model alias ({@code plan.ModelTokenizers})
     */
    public CellExecutor countTokensWith(Map<String, dev.nightbench.plan.Tokenizer> byModel) {
        retrying.countWith(new TokenizerCounts(byModel));
        return this;
    }

    /**
     * The request for a model and a prompt of the plan: {@link #requestFor(ModelSpec, PromptSpec, RunParams)} with the
     * prompt's own output length, when it was made for one ({@link OutputLength}).
     */
    public static ChatRequest requestFor(ModelSpec model, PromptSpec prompt, Plan plan) {
        return OutputLength.apply(requestFor(model, prompt, plan.run()), prompt, plan);
    }

    /** The request for a model and prompt: the run's parameters, overridden by the model's own. */
    public static ChatRequest requestFor(ModelSpec model, PromptSpec prompt, RunParams run) {
        Map<String, Object> params = model.params();
        Integer maxTokens = params.containsKey("max_tokens") ? ((Number) params.get("max_tokens")).intValue() : run.maxTokens();
        Double temperature = model.temperature(run);
        Long seed = model.seed(run);
        Map<String, Object> extra = new HashMap<>(params);
        REQUEST_KEYS.forEach(extra::remove);
        return new ChatRequest(model.model(), PlanToClient.messages(prompt), maxTokens, temperature, seed, run.stream(), extra);
    }
}
