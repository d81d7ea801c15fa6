package dev.nightbench.run;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
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

import java.util.List;
import java.util.Map;

/**
 * What the judge step does (after {@code aggregate}, before {@code report}): for each measured answer still without
 * a verdict ({@link JudgeStore#toJudge}), one judge call with the run's retry policy, the reply read by
 * {@link VerdictParser}, and the verdict stored with its scores. Nothing here throws for what the judge says or
 * fails to say: an unreadable reply is an {@code unparseable} verdict, a call that failed after its retries a
 * {@code failed} one, and both are rows the report counts. Judge calls are not requests: they are never in
 * {@code requests}, summaries or a model's circuit breaker.
 *
 * <p>The call itself (temperature 0, the judge's max_tokens, streamed, the run's retry policy) is
 * {@link JudgeCaller}'s, shared with a pipeline's {@code judge_below} escalation ({@link PipelineJudge}).
 */
@Component
class JudgeStep {

    private static final Logger log = LoggerFactory.getLogger(JudgeStep.class);

    private final JudgeStore store;
    private final JudgeCaller caller;

    @Autowired
    JudgeStep(JudgeStore store) {
        this(store, d -> Thread.sleep(d));
    }

    JudgeStep(JudgeStore store, JudgeCaller.Sleeper sleeper) {
        this.store = store;
        this.caller = new JudgeCaller(sleeper);
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
        JudgeCaller.Call call = call(session.judgeClient(), JudgeCaller.request(judge, question),
                RetryPolicy.from(plan.retry()));
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

    /** The call with its retries (the run's policy), or null when interrupted ({@link JudgeCaller}). */
    JudgeCaller.Call call(ModelClient client, ChatRequest request, RetryPolicy retry) {
        return caller.call(client, request, retry);
    }
}
