package dev.nightbench.client.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@link SimulatedServer} sent for one request and when, by its own clock (System.nanoTime unless
 * told otherwise) read just after each write was flushed to the socket. Benchmarks compare these with the
 * client's arrival times to see the overhead of the client itself.
 *
 * <p>Filled in while the response is sent; {@link #completed()} turns true when the handler is done.
 */
public final class SentRequest {

    /** What was flushed. */
    public enum Type { HEADERS, ROLE, CONTENT, REASONING, EMPTY, FINISH, USAGE, DONE, GARBAGE, BODY, ABORT }

    /**
     * One flushed write. The instant the bytes left lies between {@code writeNanos} and {@code nanos}; a reader
     * on another thread may see them before the writer reads its clock again, so compare arrivals with both.
     *
     * @param nanos      server nano time just after the flush
     * @param text       content/reasoning/finish reason/garbage text for those types, else null
     * @param writeNanos server nano time just before the write began
     */
    public record Event(Type type, long nanos, String text, long writeNanos) {
    }

    private final int seq;
    private final String model;
    private final int index;
    private final boolean stream;
    private final long receivedNanos;
    private final List<Event> events = new ArrayList<>();
    private volatile int status;
    private volatile boolean completed;

    SentRequest(int seq, String model, int index, boolean stream, long receivedNanos) {
        this.seq = seq;
        this.model = model;
        this.index = index;
        this.stream = stream;
        this.receivedNanos = receivedNanos;
    }

    /** 1-based number of the request on this server (also sent as the {@code X-Sim-Request} header). */
    public int seq() {
        return seq;
    }

    public String model() {
        return model;
    }

    /** 0-based number among the requests to this model. */
    public int index() {
        return index;
    }

    public boolean stream() {
        return stream;
    }

    /** Server nano time when the request body had been read. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The HTTP status sent, 0 while none was. */
    public int status() {
        return status;
    }

    public boolean completed() {
        return completed;
    }

    /** A snapshot of the events so far, in order. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events of this type, in order. */
    public List<Event> eventsOf(Type type) {
        List<Event> out = new ArrayList<>();
        for (Event e : events()) {
            if (e.type() == type) {
                out.add(e);
            }
        }
        return out;
    }

    /** After-flush send times of the events of this type, in order. */
    public List<Long> nanosOf(Type type) {
        List<Long> out = new ArrayList<>();
        for (Event e : events()) {
            if (e.type() == type) {
                out.add(e.nanos());
            }
        }
        return out;
    }

    void status(int status) {
        this.status = status;
    }

    void record(Type type, long writeNanos, long nanos, String text) {
        synchronized (events) {
            events.add(new Event(type, nanos, text, writeNanos));
        }
    }

    void complete() {
        this.completed = true;
    }

    @Override
    public String toString() {
        return "SentRequest[" + seq + " " + model + "#" + index + " status=" + status + " events=" + events().size()
                + (completed ? "" : " in flight") + "]";
    }
}
