package com.example.nightbench.ollama;

import dev.nightbench.client.NanoClock;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP exchange whose response is read line by line (NDJSON), as events in a queue: the response head, each line
 * with the nano time it arrived (taken on the HTTP client's thread the moment the line is decoded, so the caller's
 * scheduling does not move it), the end, or the failure. The caller waits for the next event with a deadline, which
 * is how the first-token, idle and total timeouts are kept without a watchdog thread, and {@link #abort} cancels the
 * exchange and closes its connection.
 */
final class NdjsonExchange implements Flow.Subscriber<String> {

    /** What happened next. */
    sealed interface Event {
    }

    /** The response head arrived. */
    record Head(int status, HttpHeaders headers) implements Event {
    }

    /** A line of the body arrived at {@code nanos}. */
    record Line(long nanos, String text) implements Event {
    }

    /** The body ended. */
    record End() implements Event {
    }

    /** The exchange failed. */
    record Failed(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final NanoClock clock;
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> future;

    private NdjsonExchange(NanoClock clock) {
        this.clock = clock;
    }

    /** Sends {@code request}; returns at once, its events follow. */
    static NdjsonExchange send(HttpClient client, HttpRequest request, NanoClock clock) {
        NdjsonExchange exchange = new NdjsonExchange(clock);
        exchange.future = client.sendAsync(request, info -> {
            exchange.events.add(new Head(info.statusCode(), info.headers()));
            return HttpResponse.BodySubscribers.fromLineSubscriber(exchange, s -> null, StandardCharsets.UTF_8, null);
        });
        exchange.future.whenComplete((response, error) -> {
            if (error != null) {
                exchange.events.add(new Failed(unwrap(error)));
            }
        });
        return exchange;
    }

    /** The next event, or null when none came by {@code deadlineNanos} (on the exchange's clock). */
    Event next(long deadlineNanos) throws InterruptedException {
        return events.poll(Math.max(0, deadlineNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Cancels the exchange and closes its connection; the events after it do not matter. */
    void abort() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<?> f = future;
        if (f != null) {
            f.cancel(true);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        events.add(new Line(clock.nanoTime(), line));
    }

    @Override
    public void onError(Throwable error) {
        events.add(new Failed(error));
    }

    @Override
    public void onComplete() {
        events.add(new End());
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
