package dev.nightbench.run;

import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.DraftJudge;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.plan.JudgeSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.quality.JudgePrompt;
import dev.nightbench.quality.Verdict;
import dev.nightbench.quality.VerdictParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's judge on a pipeline's draft, for {@code escalate: {judge_below: N}}: the same conversation the judge step
 * has about a measured answer ({@link JudgePrompt}, the prompt's criteria), the same call ({@link JudgeCaller}: the
 * judge's own client, max_tokens and timeouts, temperature 0, the run's retry policy), and the verdict read by
 * {@link VerdictParser}; the draft's score is the mean over its criteria. An unparseable verdict or a failed call has
 * no score, and {@link dev.nightbench.plan.Escalation.JudgeBelow} refines such a draft.
 */
final class PipelineJudge implements DraftJudge {

    private static final Logger log = LoggerFactory.getLogger(PipelineJudge.class);

    private final Plan plan;
    private final ModelClient client;
    private final JudgeCaller caller;
    private final RetryPolicy retry;

    /** @param client the judge's own client ({@link ClientFactory.Clients#judge()}) */
    PipelineJudge(Plan plan, ModelClient client, JudgeCaller caller) {
        if (!plan.hasJudge() || client == null) {
            throw new IllegalArgumentException("a pipeline's judge needs the plan's judge and its client");
        }
        this.plan = plan;
        this.client = client;
        this.caller = caller;
        this.retry = RetryPolicy.from(plan.retry());
    }

    /** The plan's judge for its pipelines, or {@link DraftJudge#NONE} when the plan has none. */
    static DraftJudge of(Plan plan, ModelClient judgeClient) {
        return plan.hasJudge() && judgeClient != null ? new PipelineJudge(plan, judgeClient,
                new JudgeCaller(d -> Thread.sleep(d))) : DraftJudge.NONE;
    }

    @Override
    public Opinion judge(String promptId, String draft) {
        JudgeSpec judge = plan.judge();
        PromptSpec prompt = plan.prompt(promptId).orElseThrow(() -> new IllegalArgumentException(
                "prompt '" + promptId + "' is not in the plan"));
        JudgePrompt question = JudgePrompt.of(judge.criteriaFor(prompt), prompt, draft);
        JudgeCaller.Call call = caller.call(client, JudgeCaller.request(judge, question), retry);
        if (call == null) {
            return new Opinion(FAILED, null, "interrupted: the run is stopping", null, null, 0);
        }
        if (call.reply() == null) {
            log.warn("Judge call on a pipeline draft of prompt {} failed; the draft is refined: {}", promptId,
                    call.failure());
            return new Opinion(FAILED, null, call.failure(), null, null, call.attempts());
        }
        Verdict verdict = VerdictParser.parse(call.reply(), question.criterionNames());
        if (!verdict.usable()) {
            log.debug("Judge verdict on a pipeline draft of prompt {} is unparseable; the draft is refined: {}",
                    promptId, verdict.reason());
            return new Opinion(UNPARSEABLE, null, verdict.reason(), call.reply(), call.latencyMs(), call.attempts());
        }
        double mean = verdict.scores().values().stream().mapToInt(Integer::intValue).average().orElseThrow();
        return new Opinion(OK, mean, verdict.reason(), call.reply(), call.latencyMs(), call.attempts());
    }
}
