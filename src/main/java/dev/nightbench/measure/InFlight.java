package dev.nightbench.measure;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight in the client, and the most at once; each attempt's time on the wire goes to the monitor.
 * Its own class because both the retrying request path ({@link RetryingRequests}, which counts each attempt in and
 * out) and the load-cell driver ({@link LoadCellDriver}, which reads the peak and the monitor) share it.
 */
final class InFlight {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final ClientLoadMonitor monitor = new ClientLoadMonitor();

    void enter() {
        monitor.onEnter();
        int n = now.incrementAndGet();
        max.accumulateAndGet(n, Math::max);
    }

    void exit(RequestMeter meter) {
        now.decrementAndGet();
        monitor.onExit();
        if (meter.sentNanos() != Long.MIN_VALUE && meter.closedNanos() != Long.MIN_VALUE) {
            monitor.onWire(meter.sentNanos(), meter.closedNanos());
        }
    }
}
