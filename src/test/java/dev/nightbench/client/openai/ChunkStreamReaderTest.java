package dev.nightbench.client.openai;

import com.fasterxml.jackson.core.JacksonException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event-stream reader on fixed bytes: no sockets, no timing. */
class ChunkStreamReaderTest {

    private static final String ROLE = "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}";
    private static final String HELLO = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\\"lo\\n\"},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"system_fingerprint\":null}";
    private static final String FINISH = "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
    private static final String USAGE = "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,"
            + "\"total_tokens\":9,\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";

    /** What the handler saw, one line per chunk. */
    private final List<String> seen = new ArrayList<>();

    @Test
    void aTypicalStreamYieldsContentFinishAndUsageThenStopsAtDone() throws IOException {
        boolean done = read(sse(ROLE, HELLO, FINISH, USAGE) + "data: [DONE]\n\n" + "data: " + HELLO + "\n\n");

        assertThat(done).isTrue();
        assertThat(seen).containsExactly(
                "choice content=<> reasoning=null finish=null",
                "choice content=<Hel\"lo\n> reasoning=null finish=null",
                "choice content=null reasoning=null finish=stop",
                "usage 7/2");
    }

    @Test
    void crlfAndLoneCrLineEndsCommentsAndOtherFieldsAreHandled() throws IOException {
        String stream = ": keep-alive\r\n\r\nevent: message\r\nid: 1\r\ndata: " + HELLO + "\r\n\r\n"
                + "retry: 10\rdata: " + FINISH + "\r\r";

        assertThat(read(stream)).isFalse();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).contains("finish=stop");
    }

    @Test
    void anEventSplitAcrossManyReadsIsReassembled() throws IOException {
        byte[] bytes = sse(HELLO, FINISH).getBytes(StandardCharsets.UTF_8);

        boolean done = new ChunkStreamReader(oneByteAtATime(bytes), clock()).read(this::record);

        assertThat(done).isFalse();
        assertThat(seen).containsExactly("choice content=<Hel\"lo\n> reasoning=null finish=null",
                "choice content=null reasoning=null finish=stop");
    }

    @Test
    void dataLinesOfOneEventAreJoinedWithALineFeed() throws IOException {
        read("data: {\"choices\":[{\"delta\":\n" + "data: {\"content\":\"a\"}}]}\n\n");

        assertThat(seen).containsExactly("choice content=<a> reasoning=null finish=null");
    }

    @Test
    void reasoningContentWinsOverReasoningAndBothAreRead() throws IOException {
        read(sse("{\"choices\":[{\"delta\":{\"reasoning\":\"r1\",\"reasoning_content\":\"rc\"}}]}",
                "{\"choices\":[{\"delta\":{\"reasoning\":\"ollama\"}}]}"));

        assertThat(seen).containsExactly("choice content=null reasoning=<rc> finish=null",
                "choice content=null reasoning=<ollama> finish=null");
    }

    @Test
    void onlyTheFirstChoiceCountsAndUnknownFieldsAreSkipped() throws IOException {
        read(sse("{\"extra\":{\"deep\":[1,{\"content\":\"no\"}]},\"choices\":[{\"delta\":{\"content\":\"first\","
                + "\"tool_calls\":[{\"id\":\"t\"}]}},{\"delta\":{\"content\":\"second\"}}]}"));

        assertThat(seen).containsExactly("choice content=<first> reasoning=null finish=null");
    }

    @Test
    void anErrorObjectIsReportedWithItsMessage() throws IOException {
        read(sse("{\"error\":{\"message\":\"engine died\",\"type\":\"server_error\"}}", "{\"error\":\"plain text\"}",
                "{\"error\":{\"code\":500}}", "{\"error\":null,\"choices\":[]}"));

        assertThat(seen).containsExactly("error engine died", "error plain text", "error {\"code\":500}",
                "nothing");
    }

    @Test
    void dataThatIsNotAJsonObjectIsAJacksonError() {
        assertThatThrownBy(() -> read("data: {not json\n\n")).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> read("data: [1, 2]\n\n")).isInstanceOf(JacksonException.class);
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsDropped() throws IOException {
        boolean done = read("data: " + HELLO + "\n\ndata: " + FINISH + "\n");

        assertThat(done).isFalse();
        assertThat(seen).hasSize(1);
    }

    @Test
    void eachEventCarriesTheTimeOfTheReadThatCompletedIt() throws IOException {
        byte[] first = ("data: " + HELLO + "\n\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] second = (FINISH + "\n\n").getBytes(StandardCharsets.UTF_8);
        List<Long> times = new ArrayList<>();
        AtomicLong clock = new AtomicLong(100);
        InputStream in = new InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] next = switch (reads++) {
                    case 0 -> first;
                    case 1 -> second;
                    default -> null;
                };
                if (next == null) {
                    return -1;
                }
                clock.addAndGet(50);
                System.arraycopy(next, 0, b, off, next.length);
                return next.length;
            }
        };

        new ChunkStreamReader(in, clock::get).read((arrival, chunk) -> times.add(arrival));

        assertThat(times).containsExactly(150L, 200L);
    }

    private boolean read(String stream) throws IOException {
        return new ChunkStreamReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), clock())
                .read(this::record);
    }

    private void record(long arrival, ChunkStreamReader.Chunk c) {
        if (c.error != null) {
            seen.add("error " + c.error);
        } else if (c.hasChoice) {
            seen.add("choice content=" + show(c.content) + " reasoning=" + show(c.reasoning) + " finish="
                    + c.finishReason);
        } else if (c.hasUsage) {
            seen.add("usage " + c.promptTokens + "/" + c.completionTokens);
        } else {
            seen.add("nothing");
        }
    }

    private static String show(String s) {
        return s == null ? "null" : "<" + s + ">";
    }

    private static String sse(String... events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append("data: ").append(e).append("\n\n");
        }
        return sb.toString();
    }

    private static dev.nightbench.client.NanoClock clock() {
        AtomicLong t = new AtomicLong();
        return t::incrementAndGet;
    }

    private static InputStream oneByteAtATime(byte[] bytes) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[pos++];
                return 1;
            }
        };
    }
}
