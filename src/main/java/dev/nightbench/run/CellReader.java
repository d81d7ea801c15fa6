package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import java.util.List;

/**
 * Emits a step's cells in their stable order and keeps its position in the step's execution context under
 * {@code NAME.read}, so a restarted step resumes at the first cell not committed.
 *
 * <p>Not final, with public methods: it is a {@code @StepScope} bean, handed out as a class-based proxy that
 * is still an {@link org.springframework.batch.infrastructure.item.ItemStream}, so the step registers it as one.
 */
class CellReader implements ItemStreamReader<Cell> {

    private final String positionKey;
    private final List<Cell> cells;
    private int position;

    /** @param name the reader's name in the step's execution context ("cells" for the measure step) */
    CellReader(String name, List<Cell> cells) {
        this.positionKey = name + ".read";
        this.cells = List.copyOf(cells);
    }

    @Override
    public void open(ExecutionContext context) {
        position = context.getInt(positionKey, 0);
    }

    @Override
    public Cell read() {
        return position < cells.size() ? cells.get(position++) : null;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(positionKey, position);
    }

    public int total() {
        return cells.size();
    }

    public int position() {
        return position;
    }
}
