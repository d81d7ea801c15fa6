package dev.nightbench.client.openai;

import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ResponseObserver;
import okhttp3.Call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of one call and its timers, shared by the calling thread, OkHttp's interceptor and the
 * {@link Watchdog}'s thread. It trips at most once, and tripping cancels the OkHttp call so the reading thread
 * wakes with an I/O error that {@link FailureClassifier} then reports as the timeout that tripped. The timers start
 * at t0 ({@link #reportSent}) and restart when a lost request is re-sent ({@link #reconnected}).
 */
final class CallGuard {

    private static final Object COMPLETED = new Object();

    final boolean streaming;
    /** The endpoint probe: its first-token timer waits for the response headers. */
    final boolean probe;
    final ConnectionEvents.Use use = new ConnectionEvents.Use();
    /** Re-sends after a stale pooled connection (calling thread only). */
    int reconnects;
    private final ResponseObserver observer;
    private final long prepStart;
    private final ScheduledThreadPoolExecutor scheduler;
    /** Zero for none (a non-streamed chat has only the total timeout). */
    private final Duration firstTokenTimeout;
    private final Duration totalTimeout;
    private final Duration idleTimeout;
    private boolean sent;   // only the calling thread reports t0 (OkHttp runs interceptors on it)
    private final AtomicReference<Object> state = new AtomicReference<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>(3);
    private final Thread owner = Thread.currentThread();
    private volatile Call call;
    volatile int status;
    volatile String contentType;
    volatile boolean responseStarted;
    volatile boolean firstToken;
    volatile long lastChunkNanos;

    /**
     * @param observer  told of t0 and re-sends, or null (the endpoint probe)
     * @param prepStart when the caller started building the request, for {@code prepNanos}
     * @param scheduler the watchdog's thread, which runs the timers
     */
    CallGuard(boolean streaming, boolean probe, ResponseObserver observer, long prepStart,
              ScheduledThreadPoolExecutor scheduler, Duration firstTokenTimeout, Duration totalTimeout,
              Duration idleTimeout) {
        this.streaming = streaming;
        this.probe = probe;
        this.observer = observer;
        this.prepStart = prepStart;
        this.scheduler = scheduler;
        this.firstTokenTimeout = firstTokenTimeout;
        this.totalTimeout = totalTimeout;
        this.idleTimeout = idleTimeout;
    }

    /**
     * t0: arms the timeouts and reports it to the observer, once; called when OkHttp starts the call, or at a
     * failure if it never did.
     */
    void reportSent(long t0) {
        if (!sent) {
            sent = true;
            arm();
            if (observer != null) {
                observer.onSent(t0, t0 - prepStart);
            }
        }
    }

    /** The request is re-sent on a fresh connection at {@code t0}: the timeouts and the figures restart there. */
    void reconnected(long t0) {
        reconnects++;
        synchronized (timers) {
            for (ScheduledFuture<?> timer : timers) {
                timer.cancel(false);
            }
            timers.clear();
        }
        arm();
        if (observer != null) {
            observer.onReconnect(t0);
        }
    }

    private void arm() {
        synchronized (timers) {
            timers.add(scheduler.schedule(() -> trip(FailureClass.TIMEOUT_TOTAL), totalTimeout.toNanos(),
                    TimeUnit.NANOSECONDS));
            if (!firstTokenTimeout.isZero()) {
                timers.add(scheduler.schedule(() -> {
                    if (probe ? !responseStarted : !firstToken) {
                        trip(FailureClass.TIMEOUT_FIRST_TOKEN);
                    }
                }, firstTokenTimeout.toNanos(), TimeUnit.NANOSECONDS));
            }
        }
    }

    /** Called once, on the reading thread, when the first token arrived: from now on silence is idle time. */
    void firstTokenArrived() {
        firstToken = true;
        lastChunkNanos = System.nanoTime();
        scheduleIdleCheck(idleTimeout.toNanos(), idleTimeout.toNanos());
    }

    private void scheduleIdleCheck(long delayNanos, long idleNanos) {
        synchronized (timers) {
            if (state.get() != null || scheduler.isShutdown()) {
                return;
            }
            timers.add(scheduler.schedule(() -> {
                long silent = System.nanoTime() - lastChunkNanos;
                if (silent >= idleNanos) {
                    trip(FailureClass.TIMEOUT_IDLE);
                } else {
                    scheduleIdleCheck(idleNanos - silent, idleNanos);
                }
            }, delayNanos, TimeUnit.NANOSECONDS));
        }
    }

    void attach(Call c) {
        call = c;
        if (state.get() instanceof FailureClass) {
            c.cancel();
        }
    }

    /** The OkHttp call, once the interceptor saw it, else null. */
    Call call() {
        return call;
    }

    void trip(FailureClass failure) {
        if (state.compareAndSet(null, failure)) {
            cancelCall();
        }
    }

    void cancelCall() {
        Call c = call;
        if (c != null) {
            c.cancel();
        }
    }

    /** Cancels the call when the calling thread was interrupted (a blocked socket read may not notice). */
    void checkInterrupted() {
        if (owner.isInterrupted()) {
            trip(FailureClass.CANCELLED);
        }
    }

    /** The timeout (or cancellation) that tripped, or null. */
    FailureClass tripped() {
        return state.get() instanceof FailureClass f ? f : null;
    }

    /** Marks the call complete; false when a timeout tripped first. */
    boolean complete() {
        return state.compareAndSet(null, COMPLETED) || state.get() == COMPLETED;
    }

    void disarm() {
        complete();
        synchronized (timers) {
            for (ScheduledFuture<?> timer : timers) {
                timer.cancel(false);
            }
            timers.clear();
        }
    }
}
