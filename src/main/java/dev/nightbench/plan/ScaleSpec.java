package dev.nightbench.plan;

import java.util.List;
import java.util.Set;

/**
 * The plan's {@code scale:} section: how the measure step's cells are spread over partitions and workers.
 * Without it ({@link #NONE}) the run is today's single-process, single-thread measure step.
 *
 * <p>Cells of an endpoint that is not in {@code parallelEndpoints} always share one partition, whatever
 * {@code partitionBy} says: two models on one GPU server must not be measured at once unless the plan says the
 * server can take it.
 *
 * @param partitionBy       how cells of a parallel endpoint are grouped: by endpoint, by model, or one cell each
 * @param workers           how many partitions run at once (threads locally, worker processes remotely)
 * @param parallelEndpoints names of endpoints whose models (or cells) may be measured at the same time
 */
public record ScaleSpec(PartitionBy partitionBy, int workers, Set<String> parallelEndpoints) {

    public static final ScaleSpec NONE = new ScaleSpec(PartitionBy.NONE, 1, Set.of());

    public ScaleSpec {
        parallelEndpoints = Set.copyOf(parallelEndpoints);
    }

    public enum PartitionBy {
        /** No {@code scale:}: one measure step, no partitions. */
        NONE,
        ENDPOINT,
        MODEL,
        CELL;

        static final List<String> NAMES = List.of("endpoint", "model", "cell");
    }

    /** True when the measure step is partitioned. */
    public boolean partitioned() {
        return partitionBy != PartitionBy.NONE;
    }
}
