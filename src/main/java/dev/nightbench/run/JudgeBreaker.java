package dev.nightbench.run;

/**
 * Stops asking a judge that keeps failing: after {@code limit} judge calls in a row that failed after their retries
 * (the run's {@code fail_after}, as for a benchmarked model), the judge step reads no further answers. Without it a
 * judge that hangs would cost its timeouts times its retries on every remaining answer, for hours of an unattended
 * night. The answers not asked keep no verdict (the step's summary line and {@code JudgeStore#stillToJudge} count
 * them). An unparseable verdict is an answer from the judge, not a failure, and closes the count again. One per judge
 * step execution ({@code @StepScope}), so a restart gives the judge a fresh chance.
 *
 * <p>Not final, with public methods: as a {@code @StepScope} bean it is handed out as a class-based proxy.
 */
class JudgeBreaker {

    private final int limit;
    private int consecutiveFailures;

    JudgeBreaker(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        this.limit = limit;
    }

    /** Records one verdict: a failed call counts, anything the judge said resets the count. */
    public synchronized void record(boolean failed) {
        consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
    }

    public synchronized boolean open() {
        return consecutiveFailures >= limit;
    }

    public int limit() {
        return limit;
    }
}
