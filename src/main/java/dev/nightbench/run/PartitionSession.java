package dev.nightbench.run;

/**
 * The {@link RunSession} of one measure partition, a {@code @StepScope} bean ({@link ScaleConfiguration}): a
 * partition may run on a thread of the manager or in a worker process, where there is no job scope, so it builds its
 * own session (plan read and hash-checked again, its own clients and breakers) from its job execution, and closes it
 * when the partition's step ends.
 *
 * <p>Not final, with public methods: the step scope hands out a class-based proxy.
 */
public class PartitionSession implements AutoCloseable {

    private final RunSession session;

    PartitionSession(RunSession session) {
        this.session = session;
    }

    public RunSession session() {
        return session;
    }

    @Override
    public void close() {
        session.close();
    }
}
