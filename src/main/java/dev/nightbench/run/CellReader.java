package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import java.util.List;
import java.util.function.Supplier;

/**
 * Emits the run's measure cells in their stable order and keeps its position in the step's execution
 * context, so a restarted step resumes at the first cell not committed.
 */
final class CellReader implements ItemStreamReader<Cell> {

    static final String POSITION = "cells.read";

    private final Supplier<List<Cell>> cells;
    private List<Cell> list;
    private int position;

    CellReader(Supplier<List<Cell>> cells) {
        this.cells = cells;
    }

    @Override
    public void open(ExecutionContext context) {
        list = cells.get();
        position = context.getInt(POSITION, 0);
    }

    @Override
    public Cell read() {
        return position < list.size() ? list.get(position++) : null;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(POSITION, position);
    }

    int total() {
        return list == null ? 0 : list.size();
    }

    int position() {
        return position;
    }
}
