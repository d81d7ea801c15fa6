package dev.nightbench.run;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.measure.PlanToClient;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.quality.JudgePrompt;
import dev.nightbench.quality.Verdict;
import dev.nightbench.quality.VerdictParser;
import dev.nightbench.store.JudgeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the judge step does (after {@code aggregate}, before {@code report}): for each measured answer still without
 * a verdict ({@link JudgeStore#toJudge}), one judge call with the run's retry policy, the reply read by
 * {@link VerdictParser}, and the verdict stored with its scores. Nothing here throws for what the judge says or
 * fails to say: an unreadable reply is an {@code unparseable} verdict, a call that failed after its retries a
 * {@code failed} one, and both are rows the report counts. Judge calls are not requests: they are never in
 * {@code requests}, summaries or a model's circuit breaker.
 *
 * <p>The judge is asked at temperature 0 with its own max_tokens, streamed: its first-token and idle timeouts then
 * mean what they mean for a benchmarked request, instead of a whole verdict having to arrive within the first-token
 * limit. An exception that is not a classified client failure counts as an invalid response for the retry policy.
 */
@Component
class JudgeStep {

    private static final Logger log = LoggerFactory.getLogger(JudgeStep.class);

    /** Waits between retries; a test gives one that does not sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final JudgeStore store;
    private final Sleeper sleeper;

    @Autowired
    JudgeStep(JudgeStore store) {
        this(store, d -> Thread.sleep(d));
    }

    JudgeStep(JudgeStore store, Sleeper sleeper) {
        this.store = store;
        this.sleeper = sleeper;
    }

    /**
     * Processor: the judge's verdict on one answer, or null when the thread was interrupted (the job is stopping;
     * nothing is stored, so a restart asks again).
     */
    JudgeStore.VerdictRow judge(RunSession session, JudgeStore.Pending answer) {
        Plan plan = session.plan();
        JudgeSpec judge = plan.judge();
        PromptSpec prompt = plan.prompt(answer.promptId()).orElseThrow(() -> new IllegalStateException(
                "answer " + answer.requestId() + " is to prompt '" + answer.promptId() + "', which the plan lacks"));
        JudgePrompt question = JudgePrompt.of(judge.criteriaFor(prompt), prompt, answer.answer());
        ChatRequest request = new ChatRequest(judge.model(), question.messages().stream().map(PlanToClient::message)
                .toList(), judge.maxTokens(), 0.0, null, true, null);
        Call call = call(session.judgeClient(), request, RetryPolicy.from(plan.retry()));
        if (call == null) {
            return null;
        }
        long runId = session.runId();
        if (call.reply() == null) {
            log.warn("Judge call for answer {} ({} / {}) failed: {}", answer.requestId(), answer.modelAlias(),
                    answer.promptId(), call.failure());
            return new JudgeStore.VerdictRow(answer.requestId(), runId, JudgeStore.Status.FAILED, call.failure(),
                    question.text(), null, null, call.attempts(), Map.of());
        }
        Verdict verdict = VerdictParser.parse(call.reply(), question.criterionNames());
        if (!verdict.usable()) {
            log.debug("Judge verdict on answer {} ({} / {}) is unparseable: {}", answer.requestId(), answer.modelAlias(),
                    answer.promptId(), verdict.reason());
        }
        return new JudgeStore.VerdictRow(answer.requestId(), runId,
                verdict.usable() ? JudgeStore.Status.OK : JudgeStore.Status.UNPARSEABLE, verdict.reason(),
                question.text(), call.reply(), call.latencyMs(), call.attempts(), verdict.scores());
    }

    /** Writer: each verdict with its scores, in the chunk's transaction. */
    void write(List<? extends JudgeStore.VerdictRow> verdicts) {
        for (JudgeStore.VerdictRow v : verdicts) {
            store.insert(v);
        }
    }

    /** After the step: the run's verdicts in one console line, when the plan has a judge. */
    void summarize(RunSession session) {
        if (!session.plan().hasJudge()) {
            return;
        }
        JudgeStore.Outcomes o = store.outcomes(session.runId());
        long left = store.stillToJudge(session.runId(), session.plan().judge().sample());
        if (left == 0) {
            log.info("Judge: {} answers judged ({} ok, {} unparseable, {} failed)", o.judged(), o.ok(), o.unparseable(),
                    o.failed());
        } else {
            log.warn("Judge: {} answers judged ({} ok, {} unparseable, {} failed); {} NOT JUDGED: the judge kept failing",
                    o.judged(), o.ok(), o.unparseable(), o.failed(), left);
        }
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
    private static final class Collector implements ResponseObserver {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onSent(long t0Nanos, long prepNanos) {
        }

        @Override
        public void onChunk(long nanos, String content, String reasoning) {
            if (content != null) {
                text.append(content);
            }
        }

        @Override
        public void onFinish(String finishReason) {
        }

        @Override
        public void onUsage(Integer promptTokens, Integer completionTokens) {
        }

        @Override
        public void onClosed(long nanos) {
        }
    }
}
