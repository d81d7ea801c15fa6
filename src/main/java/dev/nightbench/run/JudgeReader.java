package dev.nightbench.run;

import dev.nightbench.store.JudgeStore;
import org.springframework.batch.infrastructure.item.ItemReader;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The judge step's reader: the run's answers still without a verdict, asked of the database a page at a time
 * (keyset on the request id) rather than remembered. It keeps no position in the step's execution context on
 * purpose: a restart asks again, and an answer whose verdict was committed is no longer among them, so no answer is
 * judged twice and none is skipped. A plan without a judge reads nothing.
 *
 * <p>Not final, with a public {@link #read()}: as a {@code @StepScope} bean it is handed out as a class-based proxy.
 */
class JudgeReader implements ItemReader<JudgeStore.Pending> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JudgeReader.class);

    /** Answers fetched per query: a page is a few judge calls' worth, each many times a query's cost. */
    static final int PAGE = 20;

    private final JudgeStore store;
    private final long runId;
    private final boolean enabled;
    private final Integer sample;
    private final JudgeBreaker breaker;
    private final Deque<JudgeStore.Pending> page = new ArrayDeque<>();
    private long lastId;
    private boolean exhausted;

    /**
     * @param enabled false when the plan has no judge
     * @param sample  answers judged per model x prompt, or null for all
     * @param breaker when it is open, nothing more is read ({@link JudgeBreaker})
     */
    JudgeReader(JudgeStore store, long runId, boolean enabled, Integer sample, JudgeBreaker breaker) {
        this.store = store;
        this.breaker = breaker;
        this.runId = runId;
        this.enabled = enabled;
        this.sample = sample;
    }

    @Override
    public JudgeStore.Pending read() {
        if (!enabled || exhausted) {
            return null;
        }
        if (breaker.open()) {
            log.warn("The judge failed {} times in a row: no more answers are sent to it in this run", breaker.limit());
            exhausted = true;
            return null;
        }
        if (page.isEmpty()) {
            page.addAll(store.toJudge(runId, sample, lastId, PAGE));
            if (page.isEmpty()) {
                exhausted = true;
                return null;
            }
        }
        JudgeStore.Pending next = page.removeFirst();
        lastId = next.requestId();
        return next;
    }
}
