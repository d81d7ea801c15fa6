package dev.nightbench.run;

import dev.nightbench.measure.Cell;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.ScaleSpec;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Splits the measure cells ({@link dev.nightbench.measure.CellPlanner}) into partitions by the plan's
 * {@code scale.partition_by}. Each partition's step execution context holds its cells' stable indexes (the restart
 * key stays the cell index), and its reader keeps its own position there. Partition names derive from the plan
 * only, so a restart of the same plan finds the same partitions and Spring Batch re-runs only the unfinished ones.
 * A cell of an endpoint that is not in {@code parallel_endpoints} always lands in its endpoint's partition.
 */
final class MeasurePartitioner implements Partitioner {

    /** The step-context key of a partition's cell indexes, "0,3,4". */
    static final String CELLS = "nightbench.partition.cells";
    /** The step-context key of a partition's name, for logs. */
    static final String NAME = "nightbench.partition.name";

    private final Plan plan;
    private final List<Cell> cells;

    MeasurePartitioner(Plan plan, List<Cell> cells) {
        this.plan = plan;
        this.cells = List.copyOf(cells);
    }

    /** @param gridSize ignored: the plan decides the partitions; the workers setting only limits how many run at once */
    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Cell cell : cells) {
            byKey.computeIfAbsent(key(cell), k -> new ArrayList<>()).add(cell.index());
        }
        Map<String, ExecutionContext> out = new LinkedHashMap<>();
        byKey.forEach((key, indexes) -> {
            ExecutionContext context = new ExecutionContext();
            context.putString(CELLS, indexes.stream().map(String::valueOf).collect(Collectors.joining(",")));
            context.putString(NAME, key);
            out.put(key, context);
        });
        return out;
    }

    /** The partition a cell belongs to: "endpoint-a", "model-x" or "cell-12". */
    String key(Cell cell) {
        String endpoint = plan.model(cell.modelAlias()).orElseThrow().endpoint();
        ScaleSpec scale = plan.scale();
        if (!scale.parallelEndpoints().contains(endpoint)) {
            return "endpoint-" + endpoint;
        }
        return switch (scale.partitionBy()) {
            case MODEL -> "model-" + cell.modelAlias();
            case CELL -> "cell-" + cell.index();
            case ENDPOINT, NONE -> "endpoint-" + endpoint;
        };
    }

    /** The cells of a partition, from its step context's {@link #CELLS}, in the run's stable order. */
    static List<Cell> cellsOf(List<Cell> all, String indexes) {
        var wanted = Arrays.stream(indexes.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).collect(Collectors.toSet());
        return all.stream().filter(c -> wanted.contains(c.index())).toList();
    }
}
