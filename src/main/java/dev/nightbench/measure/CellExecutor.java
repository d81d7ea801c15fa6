package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.RunParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs every request of a {@link Cell} through a {@link ModelClient} and returns every attempt's
 * measurement. Faults are handled here, not by Spring Batch: each failure is classified, retried per the
 * {@link RetryPolicy}, and fed to the model's circuit breaker; a model whose breaker is open gets its
 * requests recorded as skipped without a call.
 */
public final class CellExecutor {

    private static final Logger log = LoggerFactory.getLogger(CellExecutor.class);
    private static final List<String> REQUEST_KEYS = List.of("max_tokens", "temperature", "seed");

    /** Sleeps between retries; injectable so tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One attempt of one request of the cell. */
    public record Attempt(int requestIndex, int attempt, boolean isFinal, Integer round, Measurement measurement,
                          Double scheduledLagMs) {
    }

    /** What a cell produced: every attempt, in order. */
    public record CellResult(Cell cell, List<Attempt> attempts) {
    }

    private final Plan plan;
    private final Function<String, ModelClient> clientForModel;
    private final CircuitBreakers breakers;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public CellExecutor(Plan plan, Function<String, ModelClient> clientForModel, CircuitBreakers breakers,
                        RetryPolicy retry, Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.plan = plan;
        this.clientForModel = clientForModel;
        this.breakers = breakers;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    public CellResult execute(Cell cell) {
        ModelSpec model = plan.model(cell.modelAlias()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": model '" + cell.modelAlias() + "' is not in the plan"));
        PromptSpec prompt = plan.prompt(cell.promptId()).orElseThrow(
                () -> new IllegalArgumentException("cell " + cell.index() + ": prompt '" + cell.promptId() + "' is not in the plan"));
        ChatRequest request = requestFor(model, prompt, plan.run());
        ModelClient client = clientForModel.apply(model.alias());
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < cell.requests(); i++) {
            attempts.addAll(runRequest(cell, i, client, request));
        }
        return new CellResult(cell, List.copyOf(attempts));
    }

    private List<Attempt> runRequest(Cell cell, int requestIndex, ModelClient client, ChatRequest request) {
        String model = cell.modelAlias();
        Integer round = Cell.SERIAL.equals(cell.loadMode()) ? requestIndex + 1 : null;
        Optional<String> open = breakers.openReason(model);
        if (open.isPresent()) {
            return List.of(new Attempt(requestIndex, 1, true, round, skipped(open.get(), request.stream()), null));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Measurement m = measureOnce(client, request);
            FailureClass failure = failureOf(m);
            boolean again = failure != null && retry.shouldRetry(failure, attempt) && !Thread.currentThread().isInterrupted();
            attempts.add(new Attempt(requestIndex, attempt, !again, round, m, null));
            if (failure == null) {
                breakers.recordSuccess(model);
                return attempts;
            }
            if (!again) {
                if (failure == FailureClass.HTTP_4XX) {
                    breakers.open(model, "the server refused the model (HTTP " + m.httpStatus() + "): " + m.errorMessage());
                } else if (breakers.recordFailure(model, m.errorType() + ": " + m.errorMessage())) {
                    log.warn("Model {} failed {}; its remaining requests are skipped", model,
                            breakers.openReason(model).orElse(""));
                }
                return attempts;
            }
            Duration wait = retry.backoff(attempt, m.retryAfterMs() == null ? null : Duration.ofMillis(m.retryAfterMs()), random);
            log.debug("{} attempt {} failed ({}), retrying in {} ms", model, attempt, m.errorType(), wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return attempts;
            }
        }
    }

    private Measurement measureOnce(ModelClient client, ChatRequest request) {
        Instant startedAt = clock.instant();
        RequestMeter meter = new RequestMeter(request.stream());
        try {
            client.chat(request, meter);
            return meter.toMeasurement(startedAt, null);
        } catch (ModelClientException e) {
            return meter.toMeasurement(startedAt, e);
        }
    }

    private static FailureClass failureOf(Measurement m) {
        if (m.ok()) {
            return null;
        }
        for (FailureClass f : FailureClass.values()) {
            if (f.code().equals(m.errorType())) {
                return f;
            }
        }
        return FailureClass.INVALID_RESPONSE;
    }

    /** The request for a model and prompt: the run's parameters, overridden by the model's own. */
    static ChatRequest requestFor(ModelSpec model, PromptSpec prompt, RunParams run) {
        Map<String, Object> params = model.params();
        Integer maxTokens = params.containsKey("max_tokens") ? ((Number) params.get("max_tokens")).intValue() : run.maxTokens();
        Double temperature = params.containsKey("temperature") ? ((Number) params.get("temperature")).doubleValue() : run.temperature();
        Long seed = params.containsKey("seed") ? ((Number) params.get("seed")).longValue() : run.seed();
        Map<String, Object> extra = new HashMap<>(params);
        REQUEST_KEYS.forEach(extra::remove);
        return new ChatRequest(model.model(), prompt.toMessages(), maxTokens, temperature, seed, run.stream(), extra);
    }

    /** The row for a request not sent because its model failed. */
    private Measurement skipped(String reason, boolean streamed) {
        return new Measurement(clock.instant(), null, null, null, null, null, null, null, null, null, null, null, null,
                null, 0, null, null, null, null, null, "skipped", "skipped", "model failed: " + reason, null, null, null,
                streamed);
    }
}
