package dev.nightbench.measure;

import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a plan into the run's cells, in a stable order (model by model, then prompt by prompt, as the plan
 * lists them) so that a restart of the same plan sees the same cell at the same index.
 */
public final class CellPlanner {

    private CellPlanner() {
    }

    public static List<Cell> measureCells(Plan plan) {
        List<Cell> cells = new ArrayList<>();
        for (ModelSpec model : plan.models()) {
            for (PromptSpec prompt : plan.prompts()) {
                cells.add(new Cell(cells.size(), "measure", model.alias(), prompt.id(), Cell.SERIAL, 1,
                        plan.run().rounds()));
            }
        }
        return List.copyOf(cells);
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
