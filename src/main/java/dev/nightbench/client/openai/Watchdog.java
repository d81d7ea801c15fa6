package dev.nightbench.client.openai;

import dev.nightbench.client.ResponseObserver;
import okhttp3.Request;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces a client's timeouts: one daemon thread per client runs the timers of every in-flight call
 * ({@link CallGuard}) and cancels the OkHttp call when one fires, so each failure is classified by what was actually
 * late:
 * <ul>
 *   <li>first token: from t0 until the first chunk carrying content or reasoning (streaming only);</li>
 *   <li>idle: the longest silence between chunks once the first token has arrived (streaming only; before it the
 *       first-token limit governs, so a slow prefill is not mistaken for a stall);</li>
 *   <li>total: from t0 until the response is fully read. A non-streamed request has only this one, since its
 *       answer arrives all at once.</li>
 * </ul>
 * Connect is OkHttp's connect timeout. OkHttp's read, write and call timeouts are off ({@link SdkClients}): each is
 * an okio {@code AsyncTimeout}, entered and left around every socket read or every call under okio's one global
 * lock, which the client benchmark measured as the largest single CPU cost of a streamed request (see
 * {@code bench/README.md}).
 *
 * <p>Every {@value #INTERRUPT_CHECK_MILLIS} ms the thread also cancels the call of a caller that was interrupted,
 * since a platform thread blocked in a socket read does not notice an interrupt.
 *
 * <p>It keeps the in-flight calls by id: the id travels with the OkHttp request in {@link #CALL_HEADER} (removed by
 * {@link CallInterceptor} before the request leaves), which is how the interceptor and {@link ConnectionEvents} find
 * the guard of a call.
 */
final class Watchdog implements AutoCloseable {

    /** Internal header tying an OkHttp call to its guard; removed before the request leaves. */
    static final String CALL_HEADER = "X-Nightbench-Call";
    static final long INTERRUPT_CHECK_MILLIS = 50;

    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, CallGuard> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();

    Watchdog() {
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "nightbench-client-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.scheduleWithFixedDelay(() -> inFlight.values().forEach(CallGuard::checkInterrupted),
                INTERRUPT_CHECK_MILLIS, INTERRUPT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A new call id, to put in {@link #CALL_HEADER} of the call's request. */
    String nextCallId() {
        return Long.toString(callIds.incrementAndGet());
    }

    /**
     * Starts watching call {@code callId}, made on the current thread; its timers start at its t0
     * ({@link CallGuard#reportSent}). {@link #release} it when the call is over.
     *
     * @param firstToken the first-token timeout, or zero for none
     */
    CallGuard watch(String callId, boolean streaming, boolean probe, ResponseObserver observer, long prepStart,
                    Duration firstToken, Duration total, Duration idle) {
        CallGuard guard = new CallGuard(streaming, probe, observer, prepStart, scheduler, firstToken, total, idle);
        inFlight.put(callId, guard);
        return guard;
    }

    /** The guard of the call a request belongs to, or null for a request that is not one of this client's calls. */
    CallGuard guardOf(Request request) {
        String callId = request.header(CALL_HEADER);
        return callId == null ? null : inFlight.get(callId);
    }

    /** Stops the call's timers and forgets it. */
    void release(String callId, CallGuard guard) {
        guard.disarm();
        inFlight.remove(callId);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
