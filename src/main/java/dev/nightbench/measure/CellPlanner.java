package dev.nightbench.measure;

import dev.nightbench.plan.LoadSpec;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.PipelineSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a plan into the run's cells, in a stable order so that a restart of the same plan sees the same cell at
 * the same index: first the latency cells (model by model, then prompt by prompt, as the plan lists them, without the
 * prompts of {@code use: load} sources), then
 * the load cells, model by model: its concurrency levels, its rates, then every level of its sweep up to the
 * sweep's max (levels above one that broke an SLO are recorded as skipped when their turn comes), then the pipelines'
 * cells (pipeline by pipeline, prompt by prompt: each the plan's rounds of draft and, when escalated, refine).
 * A conversation's turns are latency cells in turn order ({@link ConversationTurns#conversationOrder}); pipelines
 * leave out the turns after a conversation's first, which make sense only with their history.
 */
public final class CellPlanner {

    private CellPlanner() {
    }

    public static List<Cell> measureCells(Plan plan) {
        List<Cell> cells = new ArrayList<>();
        for (ModelSpec model : plan.models()) {
            for (PromptSpec prompt : ConversationTurns.conversationOrder(plan.latencyPrompts())) {
                cells.add(new Cell(cells.size(), "measure", model.alias(), prompt.id(), Cell.SERIAL, 1,
                        plan.run().rounds()));
            }
        }
        for (ModelSpec model : plan.models()) {
            LoadSpec load = model.load();
            for (int c : load.concurrency()) {
                cells.add(loadCell(cells.size(), model, Cell.CONCURRENCY, c, load.requests(), load.duration(), false));
            }
            for (double r : load.rates()) {
                cells.add(loadCell(cells.size(), model, Cell.RATE, r, load.requests(), load.duration(), false));
            }
            LoadSpec.Sweep sweep = load.sweep();
            if (sweep != null) {
                String mode = LoadSpec.CONCURRENCY.equals(sweep.mode()) ? Cell.CONCURRENCY : Cell.RATE;
                for (double level : sweep.levels()) {
                    cells.add(loadCell(cells.size(), model, mode, level, sweep.requests(), sweep.duration(), true));
                }
            }
        }
        // pipelines last, so a plan's model cells keep their indexes when pipelines are added
        for (PipelineSpec pipeline : plan.pipelines()) {
            for (PromptSpec prompt : ConversationTurns.standAlone(plan.latencyPrompts())) {
                cells.add(new Cell(cells.size(), Cell.PIPELINE, pipeline.draft(), prompt.id(), Cell.SERIAL, 1,
                        plan.run().rounds(), null, false, pipeline.name()));
            }
        }
        return List.copyOf(cells);
    }

    private static Cell loadCell(int index, ModelSpec model, String mode, double level, Integer requests,
                                 Duration duration, boolean sweep) {
        return new Cell(index, "measure", model.alias(), Cell.ALL_PROMPTS, mode, level,
                requests == null ? 0 : requests, requests == null ? duration : null, sweep);
    }

    /** One warm-up cell per model, on the plan's first prompt; empty when warm-up is 0. */
    public static List<Cell> warmupCells(Plan plan) {
        List<Cell> cells = new ArrayList<>();
        if (plan.run().warmup() <= 0 || plan.prompts().isEmpty()) {
            return cells;
        }
        for (ModelSpec model : plan.models()) {
            cells.add(new Cell(cells.size(), "warmup", model.alias(), plan.prompts().getFirst().id(), Cell.SERIAL, 1,
                    plan.run().warmup()));
        }
        return List.copyOf(cells);
    }
}
