package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptOrigin;
import dev.nightbench.plan.PromptSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation's turn as a latency cell (issue 14): request r (round r) of turn k sends the turn's system prompt,
 * then for each earlier turn j its user message and the model's own answer in round r of turn j, then turn k's user
 * message. Every round is its own conversation, so the rounds of a turn measure the same context length.
 *
 * <p>The earlier answers are read from what was stored ({@link ConversationHistory}): the measure step commits each
 * cell before it runs the next, turns run in conversation order ({@link CellPlanner}), so a restart after turn 2
 * committed sends turn 3 with the answers turns 1 and 2 got before it, without sending them again. A round whose
 * earlier turn has no successful answer is not sent: it is recorded as skipped, {@link SkipReason#HISTORY_MISSING}.
 *
 * <p>Only measured latency cells carry the history. A warm-up cell sends a turn's own message alone; load cells and
 * pipelines use only stand-alone prompts ({@link #standAlone}): the plan's other prompts and each conversation's first
 * turn, which has no history.
 */
final class ConversationTurns {

    private final Plan plan;
    private final ConversationHistory history;
    private final RetryingRequests retrying;

    ConversationTurns(Plan plan, ConversationHistory history, RetryingRequests retrying) {
        this.plan = plan;
        this.history = history;
        this.retrying = retrying;
    }

    /** Runs the cell of turn {@code prompt}: one request per round, each with that round's history. */
    CellResult run(Cell cell, ModelSpec model, ModelClient client, PromptSpec prompt) {
        List<PromptSpec> earlier = earlierTurns(plan.prompts(), prompt);
        Map<String, Map<Integer, String>> answers = new LinkedHashMap<>();
        for (PromptSpec turn : earlier) {
            answers.put(turn.id(), history.answers(model.alias(), turn.id()));
        }
        ChatRequest base = CellExecutor.requestFor(model, prompt, plan);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < cell.requests(); i++) {
            int round = i + 1;
            Optional<PromptSpec> missing = earlier.stream()
                    .filter(t -> answers.get(t.id()).get(round) == null).findFirst();
            if (missing.isPresent()) {
                String why = "turn " + missing.get().origin().turn() + " (" + missing.get().id() + ") has no "
                        + "successful answer in round " + round + ", so turn " + prompt.origin().turn()
                        + " cannot be sent with its history";
                Measurement skipped = retrying.modelFailed(cell.modelAlias())
                        .map(reason -> retrying.skipped(SkipReason.MODEL_FAILED, "model failed: " + reason, base.stream()))
                        .orElseGet(() -> retrying.skipped(SkipReason.HISTORY_MISSING, why, base.stream()));
                attempts.add(new Attempt(i, 1, true, round, skipped, null, prompt.id()));
                continue;
            }
            ChatRequest request = new ChatRequest(base.model(), messages(prompt, earlier, answers, round),
                    base.maxTokens(), base.temperature(), base.seed(), base.stream(), base.extra());
            attempts.addAll(retrying.runRequest(cell.modelAlias(), i, round, prompt.id(), client, request,
                    RetryingRequests.UNSET, null).attempts());
        }
        return new CellResult(cell, List.copyOf(attempts));
    }

    /** System prompt, then each earlier turn's user message and the round's answer to it, then this turn's message. */
    private static List<ChatMessage> messages(PromptSpec prompt, List<PromptSpec> earlier,
                                              Map<String, Map<Integer, String>> answers, int round) {
        List<ChatMessage> out = new ArrayList<>();
        if (prompt.system() != null && !prompt.system().isBlank()) {
            out.add(new ChatMessage("system", prompt.system()));
        }
        for (PromptSpec turn : earlier) {
            out.addAll(ownMessages(turn));
            out.add(new ChatMessage("assistant", answers.get(turn.id()).get(round)));
        }
        out.addAll(ownMessages(prompt));
        return out;
    }

    /** A turn's messages without its system prompt (the conversation's, sent once at the start). */
    private static List<ChatMessage> ownMessages(PromptSpec turn) {
        return PlanToClient.messages(turn).stream().filter(m -> !"system".equals(m.role())).toList();
    }

    /** The turns of {@code turn}'s conversation (same source and conversation id) before it, in turn order. */
    static List<PromptSpec> earlierTurns(List<PromptSpec> prompts, PromptSpec turn) {
        PromptOrigin o = turn.origin();
        return prompts.stream()
                .filter(p -> p.origin().isTurn() && p.origin().turn() < o.turn()
                        && Objects.equals(p.origin().source(), o.source())
                        && p.origin().conversation().equals(o.conversation()))
                .sorted(Comparator.comparingInt(p -> p.origin().turn()))
                .toList();
    }

    /** Prompts that make sense without a history: every prompt but a conversation's later turns. */
    static List<PromptSpec> standAlone(List<PromptSpec> prompts) {
        return prompts.stream().filter(p -> !p.origin().isTurn() || p.origin().turn() == 1).toList();
    }

    /**
     * The prompts in the order their cells run: as listed, except that a conversation's turns run in turn order, all
     * at the place of its first listed turn (so each turn's history is committed before it is sent).
     */
    static List<PromptSpec> conversationOrder(List<PromptSpec> prompts) {
        Map<Object, List<PromptSpec>> groups = new LinkedHashMap<>();
        for (PromptSpec p : prompts) {
            Object key = p.origin().isTurn() ? Arrays.asList(p.origin().source(), p.origin().conversation())
                    : p;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<PromptSpec> out = new ArrayList<>(prompts.size());
        for (List<PromptSpec> group : groups.values()) {
            group.sort(Comparator.comparingInt(p -> p.origin().turn()));
            out.addAll(group);
        }
        return out;
    }
}
