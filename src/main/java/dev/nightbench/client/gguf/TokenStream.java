package dev.nightbench.client.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import dev.nightbench.client.NanoClock;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One completion read from llama.cpp on a reader thread of its own, stamped there the moment each output arrives and
 * handed to the requesting thread through a queue, so that thread can wait with a timeout: the binding's
 * {@code next()} blocks in native code and cannot be interrupted.
 *
 * <p>Each output before the last is one decoded token (llama.cpp sends one partial result per token, except that a
 * token ending inside a UTF-8 character is merged into the next one); the last carries no text in stream mode.
 *
 * <p>{@link #abandon()} (a timeout, an interrupt) makes the reader cancel the task with {@link LlamaIterator#cancel()}
 * as soon as it holds the next output, and stop. It does not cancel while the reader waits inside {@code next()}: the
 * binding removes the task's result queue on cancel, so that {@code next()} would then never return and its thread
 * would be lost. So an abandoned task holds its llama.cpp slot until its next token at most.
 */
final class TokenStream implements Runnable {

    /** An output: its arrival time, its text, whether it is the last; or the failure that ended the stream. */
    record Event(long nanos, String text, boolean last, RuntimeException error) {
    }

    private final LlamaModel model;
    private final InferenceParameters parameters;
    private final NanoClock clock;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean abandoned;

    TokenStream(LlamaModel model, InferenceParameters parameters, NanoClock clock) {
        this.model = model;
        this.parameters = parameters;
        this.clock = clock;
    }

    @Override
    public void run() {
        LlamaIterator it;
        try {
            it = model.generate(parameters).iterator(); // sends the task
        } catch (RuntimeException e) {
            events.add(new Event(clock.nanoTime(), null, true, e));
            return;
        }
        try {
            while (it.hasNext()) {
                if (abandoned) {
                    it.cancel();
                    return;
                }
                LlamaOutput output = it.next();
                long at = clock.nanoTime();
                events.add(new Event(at, output.text, !it.hasNext(), null));
            }
        } catch (RuntimeException e) {
            events.add(new Event(clock.nanoTime(), null, true, e));
        }
    }

    /** The next event, or null when none arrives within {@code timeoutNanos}. */
    Event next(long timeoutNanos) throws InterruptedException {
        return events.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }

    /** Stop reading: the reader cancels the task at its next output. */
    void abandon() {
        abandoned = true;
    }

    /** The client was closed: stop reading, and the request waiting on {@link #next} gets a failure at once. */
    void close() {
        abandoned = true;
        events.add(new Event(clock.nanoTime(), null, true, new IllegalStateException("the gguf endpoint was closed")));
    }
}
