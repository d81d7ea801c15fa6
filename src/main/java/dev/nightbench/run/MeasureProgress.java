package dev.nightbench.run;

import dev.nightbench.client.RequestStatus;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.store.RequestStore;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * The measure step's progress ({@link Progress}): cells done of the reader's total, failed and skipped requests.
 * A {@code @StepScope} bean, so every step execution (a second run in the same process, a restart) starts with
 * fresh counts. Failures an earlier execution of the run already stored are counted once, at the first chunk;
 * then each chunk adds its own, with no query between cells.
 *
 * <p>Not final: the step scope hands it out as a class-based proxy.
 */
class MeasureProgress implements ChunkListener<Cell, CellResult> {

    private final CellReader reader;
    private final RequestStore requests;
    private final long runId;
    private Progress progress;
    private long failures;
    private long skipped;

    /** @param reader the step's reader (its proxy: the same step execution's reader) */
    MeasureProgress(CellReader reader, RequestStore requests, long runId) {
        this.reader = reader;
        this.requests = requests;
        this.runId = runId;
    }

    @Override
    public void afterChunk(Chunk<CellResult> chunk) {
        if (progress == null) {
            // once per execution: failures an earlier execution of this run already stored
            progress = new Progress(System.console() != null, System.out, reader.position() - chunk.size());
            failures = requests.statusCounts(runId).stream()
                    .filter(c -> c.status().isFailure()).mapToLong(RequestStore.StatusCount::n).sum();
            skipped = requests.statusCounts(runId).stream()
                    .filter(c -> c.status() == RequestStatus.SKIPPED).mapToLong(RequestStore.StatusCount::n).sum();
        } else {
            // then counted from the chunk itself: no query between cells
            failures += chunk.getItems().stream().flatMap(r -> r.attempts().stream())
                    .filter(a -> a.isFinal() && a.measurement().status().isFailure()).count();
            skipped += chunk.getItems().stream().flatMap(r -> r.attempts().stream())
                    .filter(a -> a.isFinal() && a.measurement().status() == RequestStatus.SKIPPED).count();
        }
        progress.update(reader.position(), reader.total(), failures, skipped);
    }
}
