package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.PipelineSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a pipeline cell ({@link Cell#pipeline()}): per round, the draft model answers the prompt; when that draft
 * succeeded and the pipeline's {@link dev.nightbench.plan.Escalation} says so, the refine model answers the refine
 * prompt with the question and the draft in it. Each stage is one request through {@link RetryingRequests}, as a
 * latency cell's are (same clients, retries, breakers), tagged with its model and stage so its row says which.
 *
 * <p>Round {@code i} (0-based) has its draft at request index {@code 2i} and its refine at {@code 2i + 1}: the
 * stages keep the {@code requests} key (run, phase, cell, request, attempt) unique, and a refine row is found from
 * its draft by index.
 *
 * <p>A {@code judge_below} rule asks the plan's judge ({@link DraftJudge}) about each successful draft, after the
 * draft and before the refine; its opinion goes with the cell's result to be stored beside the draft's row, and a
 * draft the judge cannot tell about is refined.
 */
public final class PipelineRunner {

    public static final String DRAFT = "draft";
    public static final String REFINE = "refine";

    private final Plan plan;
    private final Function<String, ModelClient> clients;
    private final RetryingRequests retrying;
    private final AnswerChecks checks;
    private final DraftJudge judge;

    PipelineRunner(Plan plan, Function<String, ModelClient> clients, RetryingRequests retrying, AnswerChecks checks,
                   DraftJudge judge) {
        this.plan = plan;
        this.clients = clients;
        this.retrying = retrying;
        this.checks = checks;
        this.judge = judge;
    }

    CellResult run(Cell cell, PromptSpec prompt) {
        PipelineSpec pipeline = plan.pipeline(cell.pipeline()).orElseThrow(() -> new IllegalArgumentException("cell "
                + cell.index() + ": pipeline '" + cell.pipeline() + "' is not in the plan"));
        ModelSpec draft = plan.model(pipeline.draft()).orElseThrow();
        ModelSpec refine = plan.model(pipeline.refine()).orElseThrow();
        ChatRequest draftRequest = CellExecutor.requestFor(draft, prompt, plan);
        List<Attempt> attempts = new ArrayList<>();
        List<DraftJudge.Judgement> judgements = new ArrayList<>();
        for (int i = 0; i < cell.requests(); i++) {
            List<Attempt> drafted = retrying.runRequest(draft.alias(), 2 * i, i + 1, prompt.id(),
                    clients.apply(draft.alias()), draftRequest, RetryingRequests.UNSET, null).attempts();
            drafted.forEach(a -> attempts.add(a.inStage(draft.alias(), DRAFT)));
            Measurement last = drafted.getLast().measurement();
            if (!last.ok()) {
                continue;
            }
            Double judged = null;
            if (pipeline.escalate().needsJudge()) {
                DraftJudge.Opinion opinion = judge.judge(prompt.id(), last.responseText());
                judgements.add(new DraftJudge.Judgement(2 * i, drafted.getLast().attempt(), opinion));
                judged = opinion.meanScore();
            }
            if (!pipeline.escalate().escalates(last.responseText(), checks.passes(prompt.id(), last.responseText()),
                    judged)) {
                continue;
            }
            ChatRequest base = CellExecutor.requestFor(refine, prompt, plan);
            ChatRequest refineRequest = new ChatRequest(base.model(), refineMessages(pipeline, prompt,
                    last.responseText()), base.maxTokens(), base.temperature(), base.seed(), base.stream(), base.extra());
            retrying.runRequest(refine.alias(), 2 * i + 1, i + 1, prompt.id(), clients.apply(refine.alias()),
                    refineRequest, RetryingRequests.UNSET, null).attempts()
                    .forEach(a -> attempts.add(a.inStage(refine.alias(), REFINE)));
        }
        return new CellResult(cell, List.copyOf(attempts), null, List.copyOf(judgements));
    }

    /**
     * The refine model's conversation: the prompt's messages with its last user message replaced by the pipeline's
     * refine prompt, that message as the question and the draft filled in (a system prompt stays as it was).
     */
    public static List<ChatMessage> refineMessages(PipelineSpec pipeline, PromptSpec prompt, String draftText) {
        List<ChatMessage> messages = new ArrayList<>(PlanToClient.messages(prompt));
        int last = -1;
        for (int i = 0; i < messages.size(); i++) {
            if ("user".equals(messages.get(i).role())) {
                last = i;
            }
        }
        String question = last < 0 ? "" : messages.get(last).content();
        ChatMessage refined = new ChatMessage("user", pipeline.refineText(question, draftText == null ? ""
                : draftText));
        if (last < 0) {
            messages.add(refined);
        } else {
            messages.set(last, refined);
        }
        return List.copyOf(messages);
    }
}
