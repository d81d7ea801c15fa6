package dev.nightbench.run;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.measure.PlanToClient;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.quality.JudgePrompt;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call to the plan's judge with the run's retry policy, shared by the judge step ({@link JudgeStep}) and a
 * pipeline's {@code judge_below} escalation ({@link PipelineJudge}), so both ask the judge the same way. Judge calls
 * are not requests: never in {@code requests}, summaries or a model's circuit breaker.
 *
 * <p>The judge is asked at temperature 0 with its own max_tokens, streamed: its first-token and idle timeouts then
 * mean what they mean for a benchmarked request, instead of a whole verdict having to arrive within the first-token
 * limit. An exception that is not a classified client failure counts as an invalid response for the retry policy.
 * Nothing here throws for what the judge says or fails to say.
 */
final class JudgeCaller {

    /** Waits between retries; a test gives one that does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Sleeper sleeper;

    JudgeCaller(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** The judge's request for this conversation: temperature 0, the judge's max_tokens, streamed. */
    static ChatRequest request(JudgeSpec judge, JudgePrompt question) {
        return new ChatRequest(judge.model(), question.messages().stream().map(PlanToClient::message).toList(),
                judge.maxTokens(), 0.0, null, true, null);
    }

    /**
     * One judge call's outcome.
     *
     * @param reply     the judge's answer (redacted), or null when every attempt failed
     * @param failure   why the last attempt failed, when {@code reply} is null
     * @param latencyMs end to end of the attempt that answered
     */
    record Call(String reply, String failure, Double latencyMs, int attempts) {
    }

    /** The call with its retries (the run's policy), or null when interrupted. */
    Call call(ModelClient client, ChatRequest request, RetryPolicy retry) {
        for (int attempt = 1; ; attempt++) {
            Collector reply = new Collector();
            long t0 = System.nanoTime();
            FailureClass failure;
            String message;
            Duration retryAfter = null;
            try {
                client.chat(request, reply);
                return new Call(client.redact(reply.text.toString()), null, (System.nanoTime() - t0) / 1e6, attempt);
            } catch (ModelClientException e) {
                failure = e.failure();
                message = e.failure().code() + ": " + e.getMessage();
                retryAfter = e.retryAfter();
            } catch (RuntimeException e) {
                failure = FailureClass.INVALID_RESPONSE;
                message = e.toString();
            }
            if (!retry.shouldRetry(failure, attempt) || Thread.currentThread().isInterrupted()) {
                return new Call(null, "judge call failed after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ")
                        + message, null, attempt);
            }
            try {
                sleeper.sleep(retry.backoff(failure, attempt, retryAfter, ThreadLocalRandom.current()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Keeps the answer's text; the judge's timing is not measured beyond its end to end. */
    private static final class Collector extends ResponseObserver.Ignoring {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onChunk(long nanos, String content, String reasoning) {
            if (content != null) {
                text.append(content);
            }
        }
    }
}
