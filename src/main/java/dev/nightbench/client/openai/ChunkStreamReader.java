package dev.nightbench.client.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightbench.client.NanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a chat-completion event stream (SSE) straight from the response body and pulls out only what Nightbench
 * records: the first choice's {@code delta.content}, {@code delta.reasoning_content} (or {@code reasoning}) and
 * {@code finish_reason}, the {@code usage} counts (with {@code prompt_tokens_details.cached_tokens}), llama.cpp's
 * {@code timings.cache_n}, and an {@code error} object if the server sends one.
 *
 * <p>Why not the SDK's stream: openai-java parses every event into a tree, then binds it to
 * {@code ChatCompletionChunk} through jackson-module-kotlin (reflection, and exceptions thrown and caught while
 * trying union types). The client benchmark ({@code bench/README.md}) measured that as the largest CPU cost per
 * streamed request and the reason the client fell far behind {@code wrk}; this reader does the same job with one
 * streaming-parser pass and no tree. The SDK still builds, sends and authenticates the request and classifies
 * HTTP errors; only the body of a 200 event stream is read here.
 *
 * <p>SSE as the WHATWG spec says: lines end in LF, CRLF or CR; {@code data:} lines of one event are joined with
 * LF; a blank line dispatches the event; comments and other fields are ignored; an event cut off by the end of
 * the stream is dropped. {@code data: [DONE]} ends the stream.
 *
 * <p><b>Timing.</b> Each event is stamped with the time of the socket read that completed it, before it is
 * parsed; events that arrived in one read share its time. One instance per response; not thread-safe.
 */
final class ChunkStreamReader {

    /** Longest line accepted before the stream is declared invalid. */
    static final int MAX_LINE = 8 * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper ERROR_MAPPER = new ObjectMapper();
    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

    /** One parsed event; the same instance is refilled for every event. */
    static final class Chunk {
        /** False when {@code choices} was absent or empty (a usage-only chunk). */
        boolean hasChoice;
        String content;
        String reasoning;
        String finishReason;
        boolean hasUsage;
        Integer promptTokens;
        Integer completionTokens;
        /** {@code usage.prompt_tokens_details.cached_tokens} (OpenAI, vLLM, recent llama.cpp), else null. */
        Integer cachedTokens;
        /** llama.cpp's {@code timings.cache_n}: prompt tokens reused from its cache, else null. */
        Integer timingsCacheN;
        /** The server's error text when the event carried an {@code error}, else null. */
        String error;

        private boolean reasoningContentSeen;

        private void clear() {
            hasChoice = false;
            content = null;
            reasoning = null;
            finishReason = null;
            hasUsage = false;
            promptTokens = null;
            completionTokens = null;
            cachedTokens = null;
            timingsCacheN = null;
            error = null;
            reasoningContentSeen = false;
        }
    }

    /** Receives each chunk, on the reading thread. */
    @FunctionalInterface
    interface Handler {
        void onChunk(long arrivalNanos, Chunk chunk) throws IOException;
    }

    private final InputStream in;
    private final NanoClock clock;
    private final byte[] buf = new byte[8 * 1024];
    private byte[] line = new byte[1024];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private boolean skipLf;
    private final Chunk chunk = new Chunk();

    ChunkStreamReader(InputStream in, NanoClock clock) {
        this.in = in;
        this.clock = clock;
    }

    /**
     * Reads until {@code [DONE]} or the end of the stream, handing every chunk to {@code handler}.
     *
     * @return true when {@code [DONE]} was seen, false when the stream ended without it
     * @throws JsonParseException an event that is not a JSON object
     */
    boolean read(Handler handler) throws IOException {
        while (true) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return false;
            }
            long arrival = clock.nanoTime();
            int pos = 0;
            if (skipLf && n > 0) {
                skipLf = false;
                if (buf[0] == '\n') {
                    pos = 1;
                }
            }
            while (pos < n) {
                int eol = pos;
                while (eol < n && buf[eol] != '\n' && buf[eol] != '\r') {
                    eol++;
                }
                if (eol == n) { // a line continued by the next read
                    appendLine(pos, n - pos);
                    break;
                }
                byte[] lineBytes;
                int from;
                int length;
                if (lineLength > 0) {
                    appendLine(pos, eol - pos);
                    lineBytes = line;
                    from = 0;
                    length = lineLength;
                    lineLength = 0;
                } else {
                    lineBytes = buf;
                    from = pos;
                    length = eol - pos;
                }
                pos = eol + 1;
                if (buf[eol] == '\r') {
                    if (pos < n) {
                        if (buf[pos] == '\n') {
                            pos++;
                        }
                    } else {
                        skipLf = true;
                    }
                }
                if (line(lineBytes, from, length, arrival, handler)) {
                    return true;
                }
            }
        }
    }

    private void appendLine(int from, int length) throws JsonParseException {
        if (lineLength + length > line.length) {
            if (lineLength + length > MAX_LINE) {
                throw new JsonParseException(null, "an event-stream line is longer than " + MAX_LINE + " bytes");
            }
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buf, from, line, lineLength, length);
        lineLength += length;
    }

    /** Handles one complete line; true when it dispatched {@code [DONE]}. */
    private boolean line(byte[] bytes, int from, int length, long arrival, Handler handler) throws IOException {
        if (length == 0) {
            if (!hasData) {
                return false;
            }
            hasData = false;
            int size = dataLength;
            dataLength = 0;
            if (startsWith(data, size, DONE)) {
                return true;
            }
            parse(data, size);
            handler.onChunk(arrival, chunk);
            return false;
        }
        if (bytes[from] == ':') {
            return false; // comment
        }
        if (length < 4 || bytes[from] != 'd' || bytes[from + 1] != 'a' || bytes[from + 2] != 't'
                || bytes[from + 3] != 'a' || (length > 4 && bytes[from + 4] != ':')) {
            return false; // event:, id:, retry: and unknown fields do not matter here
        }
        int value = from + 5;
        int end = from + length;
        if (value < end && bytes[value] == ' ') {
            value++;
        }
        if (hasData) {
            appendData(new byte[] {'\n'}, 0, 1);
        }
        hasData = true;
        if (value < end) {
            appendData(bytes, value, end - value);
        }
        return false;
    }

    private void appendData(byte[] bytes, int from, int length) {
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(bytes, from, data, dataLength, length);
        dataLength += length;
    }

    /** Fills {@link #chunk} from one event's JSON. */
    void parse(byte[] json, int length) throws IOException {
        chunk.clear();
        try (JsonParser p = JSON.createParser(json, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "an event's data is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> {
                        if (value == JsonToken.START_ARRAY) {
                            choices(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            usage(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "timings" -> {
                        if (value == JsonToken.START_OBJECT) {
                            timings(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            chunk.error = errorText(p);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
    }

    private void choices(JsonParser p) throws IOException {
        boolean first = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of an event's JSON");
            }
            if (first && t == JsonToken.START_OBJECT) {
                chunk.hasChoice = true;
                choice(p);
            } else {
                p.skipChildren();
            }
            first = false;
        }
    }

    private void choice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("delta") && value == JsonToken.START_OBJECT) {
                delta(p);
            } else if (name.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
                chunk.finishReason = p.getText();
            } else {
                p.skipChildren();
            }
        }
    }

    private void delta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "content" -> {
                    chunk.content = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "reasoning_content" -> { // vLLM, llama.cpp, DeepSeek
                    chunk.reasoningContentSeen = true;
                    chunk.reasoning = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "reasoning" -> { // Ollama, OpenRouter
                    if (!chunk.reasoningContentSeen) {
                        chunk.reasoning = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    }
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
    }

    private void usage(JsonParser p) throws IOException {
        chunk.hasUsage = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && name.equals("prompt_tokens")) {
                chunk.promptTokens = p.getIntValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && name.equals("completion_tokens")) {
                chunk.completionTokens = p.getIntValue();
            } else if (value == JsonToken.START_OBJECT && name.equals("prompt_tokens_details")) {
                chunk.cachedTokens = intMember(p, "cached_tokens");
            } else {
                p.skipChildren();
            }
        }
    }

    /** llama.cpp's {@code timings} object: only {@code cache_n} is kept (the rest is the server's own view). */
    private void timings(JsonParser p) throws IOException {
        chunk.timingsCacheN = intMember(p, "cache_n");
    }

    /** Reads an object to its end and returns its integer member {@code wanted}, or null. */
    private static Integer intMember(JsonParser p, String wanted) throws IOException {
        Integer found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && name.equals(wanted)) {
                found = p.getIntValue();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** {@code error} as text: itself when a string, its {@code message} when an object that has one, else its JSON. */
    private static String errorText(JsonParser p) throws IOException {
        JsonNode error = ERROR_MAPPER.readTree(p);
        if (error.isTextual()) {
            return error.asText();
        }
        if (error.path("message").isTextual()) {
            return error.get("message").asText();
        }
        return error.toString();
    }

    private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
