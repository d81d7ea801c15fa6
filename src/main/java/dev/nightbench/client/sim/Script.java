package dev.nightbench.client.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exactly what the {@link SimulatedServer} sends for one request, and when. Immutable.
 *
 * <p>Four kinds: a streamed answer ({@link #stream()}, a fluent list of steps each with the delay before it),
 * an HTTP status with a body ({@link #status(int)}), a raw body sent with status 200 ({@link #raw(String)}), and
 * a request that is never answered ({@link #hang()}). Examples:
 * <pre>{@code
 * Script.stream().role().delay(50).content("Hel").delay(10).content("lo").finish("stop").usage(5, 2).done()
 * Script.stream().role().delay(200).reasoning("hmm").delay(100).content("42").finish("stop").done()
 * Script.stream().role().content("cut").end()            // no finish_reason, no [DONE]: a truncated stream
 * Script.stream().role().content("cut").closeConnection() // connection dropped mid-stream
 * Script.status(429).retryAfter(2)
 * Script.status(503).body("overloaded").after(20)
 * }</pre>
 *
 * <p>When a request does not stream, a stream script is answered as one JSON body carrying the concatenated
 * content and reasoning, the last finish reason and the usage, sent once all the steps' delays have passed.
 */
public final class Script {

    /** What kind of answer the script gives. */
    public enum Kind { STREAM, STATUS, RAW, HANG }

    /** One thing sent in a stream. */
    public enum StepType { ROLE, CONTENT, REASONING, EMPTY, FINISH, USAGE, GARBAGE }

    /** How a stream ends after its steps. */
    public enum Ending {
        /** {@code data: [DONE]}, then the response is closed normally. */
        DONE,
        /** The response is closed normally without {@code [DONE]}. */
        END,
        /** The connection is dropped without ending the chunked body. */
        CLOSE,
        /** Nothing more is sent; the response stays open until the server closes. */
        HANG
    }

    /**
     * One stream step.
     *
     * @param delayNanos how long to wait after the previous step (or after the request arrived) before sending
     * @param text       content, reasoning, finish reason or garbage line, by type
     * @param promptTokens     usage.prompt_tokens for a USAGE step
     * @param completionTokens usage.completion_tokens for a USAGE step
     * @param cachedTokens     usage.prompt_tokens_details.cached_tokens for a USAGE step, or null to send no details
     */
    public record Step(StepType type, long delayNanos, String text, Integer promptTokens, Integer completionTokens,
                       Integer cachedTokens) {

        public Step(StepType type, long delayNanos, String text, Integer promptTokens, Integer completionTokens) {
            this(type, delayNanos, text, promptTokens, completionTokens, null);
        }
    }

    private final Kind kind;
    private final List<Step> steps;
    private final Ending ending;
    private final long endingDelayNanos;
    private final int status;
    private final String body;
    private final String contentType;
    private final Map<String, String> headers;
    private final long delayNanos;

    private Script(Kind kind, List<Step> steps, Ending ending, long endingDelayNanos, int status, String body,
                   String contentType, Map<String, String> headers, long delayNanos) {
        this.kind = kind;
        this.steps = List.copyOf(steps);
        this.ending = ending;
        this.endingDelayNanos = endingDelayNanos;
        this.status = status;
        this.body = body;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.delayNanos = delayNanos;
    }

    /** Starts a streamed answer. */
    public static StreamBuilder stream() {
        return new StreamBuilder();
    }

    /** An HTTP status with an OpenAI-shaped error body; change it with {@link #body}, {@link #retryAfter}. */
    public static Script status(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String body = "{\"error\":{\"message\":\"simulated HTTP " + status + "\",\"type\":\"" + type
                + "\",\"param\":null,\"code\":null}}";
        return new Script(Kind.STATUS, List.of(), null, 0, status, body, "application/json", Map.of(), 0);
    }

    /** Status 200 with this body as-is (for example a body that is not JSON). */
    public static Script raw(String body) {
        return new Script(Kind.RAW, List.of(), null, 0, 200, Objects.requireNonNull(body), "application/json",
                Map.of(), 0);
    }

    /** The request is read and never answered: no status line, no headers. */
    public static Script hang() {
        return new Script(Kind.HANG, List.of(), null, 0, 0, null, null, Map.of(), 0);
    }

    /** The same status or raw script with this body. */
    public Script body(String body) {
        requireKind(Kind.STATUS, Kind.RAW);
        return new Script(kind, steps, ending, endingDelayNanos, status, Objects.requireNonNull(body), contentType,
                headers, delayNanos);
    }

    /** The same status or raw script with this Content-Type. */
    public Script contentType(String contentType) {
        requireKind(Kind.STATUS, Kind.RAW);
        return new Script(kind, steps, ending, endingDelayNanos, status, body, Objects.requireNonNull(contentType),
                headers, delayNanos);
    }

    /** Adds a response header. */
    public Script header(String name, String value) {
        requireKind(Kind.STATUS, Kind.RAW);
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Script(kind, steps, ending, endingDelayNanos, status, body, contentType, more, delayNanos);
    }

    /** {@code Retry-After: <seconds>}. */
    public Script retryAfter(long seconds) {
        return header("Retry-After", Long.toString(seconds));
    }

    /** {@code Retry-After} with any raw value (an HTTP date, garbage…). */
    public Script retryAfter(String rawValue) {
        return header("Retry-After", rawValue);
    }

    /** Waits this long after the request arrived before answering. */
    public Script after(long millis) {
        return after(Duration.ofMillis(millis));
    }

    /** Waits this long after the request arrived before answering. */
    public Script after(Duration delay) {
        requireKind(Kind.STATUS, Kind.RAW);
        return new Script(kind, steps, ending, endingDelayNanos, status, body, contentType, headers,
                delay.toNanos());
    }

    public Kind kind() {
        return kind;
    }

    public List<Step> steps() {
        return steps;
    }

    /** How a STREAM script ends; null for the other kinds. */
    public Ending ending() {
        return ending;
    }

    /** Delay between the last step and the ending. */
    public long endingDelayNanos() {
        return endingDelayNanos;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** For STATUS and RAW: the delay before answering. */
    public long delayNanos() {
        return delayNanos;
    }

    private void requireKind(Kind... allowed) {
        for (Kind k : allowed) {
            if (k == kind) {
                return;
            }
        }
        throw new IllegalStateException("not applicable to a " + kind + " script");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STREAM -> "Script.stream(" + steps.size() + " steps, " + ending + ")";
            case STATUS -> "Script.status(" + status + ")";
            case RAW -> "Script.raw(" + body.length() + " chars)";
            case HANG -> "Script.hang()";
        };
    }

    /** Builds a STREAM script step by step; {@link #delay} applies to the next step or to the ending. */
    public static final class StreamBuilder {

        private final List<Step> steps = new ArrayList<>();
        private long pendingDelayNanos;

        private StreamBuilder() {
        }

        /** Waits this many milliseconds before the next step. Delays add up. */
        public StreamBuilder delay(long millis) {
            return delay(Duration.ofMillis(millis));
        }

        /** Waits this long before the next step. Delays add up. */
        public StreamBuilder delay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative delay: " + delay);
            }
            pendingDelayNanos += delay.toNanos();
            return this;
        }

        /** The role-only first chunk: {@code delta: {"role":"assistant","content":""}}. */
        public StreamBuilder role() {
            return add(StepType.ROLE, null, null, null);
        }

        /** A chunk with {@code delta.content}. */
        public StreamBuilder content(String text) {
            return add(StepType.CONTENT, Objects.requireNonNull(text), null, null);
        }

        /** A chunk with {@code delta.reasoning_content}. */
        public StreamBuilder reasoning(String text) {
            return add(StepType.REASONING, Objects.requireNonNull(text), null, null);
        }

        /** A chunk whose delta carries an empty content: {@code delta: {"content":""}}. */
        public StreamBuilder empty() {
            return add(StepType.EMPTY, null, null, null);
        }

        /** The chunk with an empty delta and this {@code finish_reason}. */
        public StreamBuilder finish(String reason) {
            return add(StepType.FINISH, Objects.requireNonNull(reason), null, null);
        }

        /** The usage chunk: {@code choices: []} and {@code usage}. */
        public StreamBuilder usage(int promptTokens, int completionTokens) {
            return add(StepType.USAGE, null, promptTokens, completionTokens);
        }

        /** The usage chunk with {@code prompt_tokens_details.cached_tokens}: the prompt tokens served from a cache. */
        public StreamBuilder usage(int promptTokens, int completionTokens, int cachedTokens) {
            add(StepType.USAGE, null, promptTokens, completionTokens);
            Step usage = steps.removeLast();
            steps.add(new Step(usage.type(), usage.delayNanos(), null, promptTokens, completionTokens, cachedTokens));
            return this;
        }

        /** A line sent as-is, for example {@code "data: {not json"}; a blank line follows it. */
        public StreamBuilder garbage(String line) {
            return add(StepType.GARBAGE, Objects.requireNonNull(line), null, null);
        }

        /** Ends with {@code data: [DONE]}. */
        public Script done() {
            return build(Ending.DONE);
        }

        /** Ends the response normally without {@code [DONE]}. */
        public Script end() {
            return build(Ending.END);
        }

        /** Drops the connection without ending the chunked body. */
        public Script closeConnection() {
            return build(Ending.CLOSE);
        }

        /** Sends nothing more and keeps the response open until the server closes. */
        public Script hang() {
            return build(Ending.HANG);
        }

        private StreamBuilder add(StepType type, String text, Integer prompt, Integer completion) {
            steps.add(new Step(type, pendingDelayNanos, text, prompt, completion));
            pendingDelayNanos = 0;
            return this;
        }

        private Script build(Ending ending) {
            return new Script(Kind.STREAM, steps, ending, pendingDelayNanos, 200, null, "text/event-stream",
                    Map.of(), 0);
        }
    }
}
