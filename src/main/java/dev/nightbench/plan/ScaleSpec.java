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

    /** The most partitions that may run at once, in a plan ({@code scale.workers}) or on the command line. */
    public static final int MAX_WORKERS = ScaleValidator.MAX_WORKERS;

    /**
     * This section with {@code workers} run at once ({@code nightbench run --workers N}); a plan without
     * {@code scale:} is then partitioned by endpoint, the default {@code partition_by}.
     */
    public ScaleSpec withWorkers(int workers) {
        return new ScaleSpec(partitioned() ? partitionBy : PartitionBy.ENDPOINT, workers, parallelEndpoints);
    }

    /** True when the measure step is partitioned. */
    public boolean partitioned() {
        return partitionBy != PartitionBy.NONE;
    }
}
