package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.measure.CellExecutor.Attempt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The single-request path of {@link CellExecutor}: one request with its retries. Each attempt is measured, its
 * failure classified and retried per the {@link RetryPolicy} after a backoff, and the outcome fed to the model's
 * circuit breaker; a model whose breaker is open gets the request recorded as skipped without a call. Latency cells
 * call it in turn, load workers concurrently ({@link LoadCellDriver}); it exists so that the retry and breaker
 * decisions sit in one place, apart from how requests are scheduled.
 *
 * <p>Uses only local state and the thread-safe breakers, so load workers call it concurrently (the {@code random}
 * given must be thread-safe).
 */
final class RetryingRequests {

    /** Logs under {@link CellExecutor}'s name, as it did before this class was split off. */
    private static final Logger log = LoggerFactory.getLogger(CellExecutor.class);
    /** No nano time: never sent, never closed, or no schedule. */
    static final long UNSET = Long.MIN_VALUE;
    static final double NANOS_PER_MS = 1_000_000.0;

    /** A request's attempts, and when it was first sent and last completed (nano time; UNSET when never). */
    record Outcome(List<Attempt> attempts, long firstSent, long lastClosed) {
    }

    private final CircuitBreakers breakers;
    private final RetryPolicy retry;
    private final Clock clock;
    private final CellExecutor.Sleeper sleeper;
    private final RandomGenerator random;
    private final NanoClock nanos;
    private final int answerMaxBytes;
    private final AnswerBudget answers;

    /**
     * @param answerMaxBytes UTF-8 bytes of each answer kept ({@code run.answer_max_bytes})
     * @param answers        the memory budget of a cell's answers
     */
    private volatile TokenizerCounts tokenizerCounts = TokenizerCounts.NONE;

    RetryingRequests(CircuitBreakers breakers, RetryPolicy retry, Clock clock, CellExecutor.Sleeper sleeper,
                     RandomGenerator random, NanoClock nanos, int answerMaxBytes, AnswerBudget answers) {
        this.answerMaxBytes = answerMaxBytes;
        this.answers = answers;
        this.breakers = breakers;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.nanos = nanos;
    }

    /**
     * One request with its retries, its failures counted towards the model's breaker.
     *
     * @param scheduled open loop: the scheduled send (nano time), else UNSET
     */
    Outcome runRequest(String model, int requestIndex, Integer round, String promptId, ModelClient client,
                       ChatRequest request, long scheduled, InFlight inFlight) {
        return runRequest(model, requestIndex, round, promptId, client, request, scheduled, inFlight, true);
    }

    /**
     * @param countFailures whether a failed request counts towards the model's breaker (not in a sweep, which is
     *                      meant to find the load at which requests fail; a refused model still opens it)
     */
    Outcome runRequest(String model, int requestIndex, Integer round, String promptId, ModelClient client,
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
            RequestMeter meter = new RequestMeter(request.stream(), answerMaxBytes, client::redact,
                    client.chunksAreReads());
            Measurement m = answers.keep(model, tokenizerCounts.count(model, request.messages(),
                    measureOnce(client, request, meter, inFlight)));
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

    /** Why the model's circuit breaker is open, if it is. */
    Optional<String> modelFailed(String model) {
        return breakers.openReason(model);
    }

    /** The models' own tokenizers, for answers the server sent no usage for ({@link TokenizerCounts}). */
    void countWith(TokenizerCounts counts) {
        this.tokenizerCounts = counts;
    }

    /** A new cell starts: the answers of the one before were written and let go. */
    void newCell() {
        answers.newCell();
    }

    /** The row for a request not sent: its model failed, or its sweep stopped. */
    Measurement skipped(SkipReason reason, String message, boolean streamed) {
        return Measurement.skipped(clock.instant(), reason, message, streamed);
    }
}
