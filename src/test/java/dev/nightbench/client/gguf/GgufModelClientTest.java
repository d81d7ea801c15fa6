package dev.nightbench.client.gguf;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ConnectionPolicy;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The gguf client on the real stories260K model, in this JVM: stream, usage, timestamps, load, limits. */
class GgufModelClientTest {

    static final Path MODELS = Path.of("../shared/models").toAbsolutePath().normalize();
    static final String STORIES = "stories260K.gguf";
    static final String TINY = "llama-2-tiny-random.gguf";

    private static GgufModelClient client;

    static void assumeModels() {
        assumeTrue(Files.isReadable(MODELS.resolve(STORIES)) && Files.isReadable(MODELS.resolve(TINY)),
                "the shared GGUF models are not at " + MODELS + " (../shared/models beside the project)");
    }

    static GgufModelClient open(Map<String, Object> settings, Timeouts timeouts, String... models) {
        return open(settings, timeouts, List.of(models), MODELS);
    }

    static GgufModelClient open(Map<String, Object> settings, Timeouts timeouts, String model, Path dir) {
        return open(settings, timeouts, List.of(model), dir);
    }

    private static GgufModelClient open(Map<String, Object> settings, Timeouts timeouts, List<String> models, Path dir) {
        ProviderSettings s = new ProviderSettings(settings, dir, ProviderSettings.Problems.THROW);
        return (GgufModelClient) new GgufProvider().open(new ProviderEndpoint("local", "gguf", s, null, null,
                models, timeouts, ConnectionPolicy.KEEP_ALIVE, NanoClock.SYSTEM));
    }

    @BeforeAll
    static void load() {
        assumeModels();
        // threads_batch 1: settings of this class alone, so its first load is its own (a process keeps every model
        // loaded, LoadedModels, and GgufJobTest runs the demo's settings in the same JVM)
        client = open(Map.of("threads", 1, "threads_batch", 1, "parallel", 2, "context_size", 1024),
                Timeouts.defaults(), STORIES, TINY, "missing.gguf");
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    static ChatRequest request(String model, int maxTokens, boolean stream, Map<String, Object> params) {
        return new ChatRequest(model, List.of(new ChatMessage("system", "You tell stories."),
                new ChatMessage("user", "Once upon a time")), maxTokens, 0.0, 42L, stream, params);
    }

    /** Records every event with its timestamp. */
    static class Recorder implements ResponseObserver {
        long t0;
        final List<Long> at = new ArrayList<>();
        final List<String> chunks = new ArrayList<>();
        String finish;
        Integer prompt;
        Integer completion;
        long closed;
        int sent;

        @Override
        public void onSent(long t0Nanos, long prepNanos) {
            t0 = t0Nanos;
            sent++;
        }

        @Override
        public void onChunk(long nanos, String content, String reasoning) {
            at.add(nanos);
            chunks.add(content);
        }

        @Override
        public void onFinish(String finishReason) {
            finish = finishReason;
        }

        @Override
        public void onUsage(Integer promptTokens, Integer completionTokens) {
            prompt = promptTokens;
            completion = completionTokens;
        }

        @Override
        public void onClosed(long nanos) {
            closed = nanos;
        }

        String text() {
            return String.join("", chunks);
        }
    }

    /** A recorder that also counts down when the first chunk arrives. */
    static class Started extends Recorder {
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

        @Override
        public void onChunk(long nanos, String content, String reasoning) {
            super.onChunk(nanos, content, reasoning);
            started.countDown();
        }
    }

    @Test
    void loadsOnceAndSaysHowLong() {
        Duration first = client.load(STORIES);
        assertThat(first).isPositive();
        long start = System.nanoTime();
        assertThat(client.load(STORIES)).isEqualTo(first);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(50));
        assertThat(client.listModels()).containsExactly(STORIES, TINY);
        assertThat(client.loadNote(STORIES)).isNull();
    }

    @Test
    void aLaterClientOfTheProcessReusesTheLoadedModelAndSaysSo() {
        Duration first = client.load(STORIES);
        int held = LoadedModels.size();
        GgufModelClient again = open(Map.of("threads", 1, "threads_batch", 1, "parallel", 2, "context_size", 1024),
                Timeouts.defaults(), STORIES);
        GgufModelClient other = open(Map.of("threads", 1, "threads_batch", 1, "parallel", 1, "context_size", 1024),
                Timeouts.defaults(), STORIES);
        try {
            assertThat(again.load(STORIES)).as("nothing loaded for the second client").isNull();
            assertThat(again.loadNote(STORIES)).startsWith("already loaded in this process since ")
                    .contains(String.format(java.util.Locale.ROOT, "(that load took %.1f ms)", first.toNanos() / 1e6));
            assertThat(LoadedModels.size()).isEqualTo(held);
            Recorder r = new Recorder();
            again.chat(request(STORIES, 8, true, Map.of()), r);
            assertThat(r.completion).isPositive();
            // other settings (one slot) are another model: loaded now, its own time
            assertThat(other.load(STORIES)).isPositive();
            assertThat(other.loadNote(STORIES)).isNull();
            assertThat(LoadedModels.size()).isEqualTo(held + 1);
        } finally {
            again.close();
            other.close();
        }
        sharedClientStillAnswers(); // closing a client leaves the model loaded for the others
    }

    private static void sharedClientStillAnswers() {
        Recorder next = new Recorder();
        client.chat(request(STORIES, 8, true, Map.of()), next);
        assertThat(next.completion).isPositive();
    }

    @Test
    void closingTheClientFailsTheRequestWaitingOnItAsCancelled() throws Exception {
        // one slot with room for all 5,000 tokens: seconds of decoding, so the close comes while it is under way
        GgufModelClient closing = open(Map.of("threads", 1, "threads_batch", 1, "parallel", 1, "context_size", 8192),
                Timeouts.defaults(), STORIES);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            closing.load(STORIES);
            Started r = new Started();
            Future<?> longOne = pool.submit(() -> closing.chat(request(STORIES, 5000, true,
                    Map.of("ignore_eos", true)), r));
            assertThat(r.started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            closing.close();
            assertThatThrownBy(() -> longOne.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ModelClientException.class)
                    .extracting(e -> ((ModelClientException) e.getCause()).failure()).isEqualTo(FailureClass.CANCELLED);
            assertThat(r.closed).isPositive();
        } finally {
            pool.shutdownNow();
            closing.close();
        }
        sharedClientStillAnswers();
    }

    @Test
    void aModelWithoutAChatTemplateGetsChatMlAsFromLlamaServer() {
        assertThat(client.prompt(STORIES, request(STORIES, 1, true, Map.of()).messages())).isEqualTo("""
                <|im_start|>system
                You tell stories.<|im_end|>
                <|im_start|>user
                Once upon a time<|im_end|>
                <|im_start|>assistant
                """);
    }

    @Test
    void streamsOneTokenAChunkWithRisingTimestampsAndServerUsage() {
        Recorder a = new Recorder();
        client.chat(request(STORIES, 24, true, Map.of("ignore_eos", true)), a);
        assertThat(a.sent).isEqualTo(1);
        assertThat(a.completion).isEqualTo(24);
        assertThat(a.finish).isEqualTo("length");
        assertThat(a.chunks).hasSizeBetween(20, 24).allSatisfy(c -> assertThat(c).isNotEmpty());
        assertThat(a.at.getFirst()).isGreaterThan(a.t0);
        for (int i = 1; i < a.at.size(); i++) {
            assertThat(a.at.get(i)).isGreaterThan(a.at.get(i - 1));
        }
        assertThat(a.closed).isGreaterThanOrEqualTo(a.at.getLast());
        // ChatML (the file has no template): the server's count, with the BOS the SentencePiece vocabulary adds
        assertThat(a.prompt).isEqualTo(79); // llama.cpp's slot log for this prompt: n_prompt_tokens = 79

        Recorder b = new Recorder();
        client.chat(request(STORIES, 24, true, Map.of("ignore_eos", true)), b);
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(b.prompt).isEqualTo(a.prompt);
    }

    @Test
    void aNonStreamedAnswerIsOneChunkOfTheSameText() {
        Recorder streamed = new Recorder();
        client.chat(request(STORIES, 16, true, Map.of()), streamed);
        Recorder whole = new Recorder();
        client.chat(request(STORIES, 16, false, Map.of()), whole);
        assertThat(whole.chunks).containsExactly(streamed.text());
        assertThat(whole.completion).isEqualTo(streamed.completion);
    }

    /**
     * Four requests at once, two per model, on two slots each: every one is answered in full. Their texts are not
     * compared: llama.cpp batches the slots' tokens together, and a token decoded in a batch of another shape (beside
     * the other slot's prompt, say) can differ in its last bits, which at temperature 0 may change a near-tie; so
     * answers under concurrency may differ from the serial ones, as on llama-server with {@code -np} above 1 (README,
     * "Models in-process"). One such pair was seen on a loaded machine.
     */
    @Test
    void answersRequestsFromSeveralThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Recorder>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String model = i % 2 == 0 ? STORIES : TINY;
                answers.add(pool.submit(() -> {
                    Recorder r = new Recorder();
                    client.chat(request(model, 12, true, Map.of("ignore_eos", true)), r);
                    return r;
                }));
            }
            for (Future<Recorder> answer : answers) {
                Recorder r = answer.get();
                assertThat(r.text()).isNotEmpty();
                assertThat(r.completion).isEqualTo(12);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingModelFailsToLoadAndSaysWhere() {
        Recorder r = new Recorder();
        assertThatThrownBy(() -> client.chat(request("missing.gguf", 8, true, Map.of()), r))
                .isInstanceOf(ModelClientException.class).hasMessageContaining(MODELS.resolve("missing.gguf").toString())
                .extracting(e -> ((ModelClientException) e).failure()).isEqualTo(FailureClass.CONNECT_ERROR);
        assertThat(r.closed).isPositive();
        assertThat(r.sent).isZero();
    }

    @Test
    void aWrongParamValueIsAnInvalidRequest() {
        Recorder r = new Recorder();
        assertThatThrownBy(() -> client.chat(request(STORIES, 8, true, Map.of("top_k", "many")), r))
                .isInstanceOf(ModelClientException.class).hasMessageContaining("top_k")
                .extracting(e -> ((ModelClientException) e).failure()).isEqualTo(FailureClass.HTTP_4XX);
    }

    @Test
    void aRequestQueuedBehindTheOnlySlotTimesOutBeforeItsFirstTokenAndItsReaderIsFreed() throws Exception {
        GgufModelClient one = open(Map.of("threads", 1, "parallel", 1, "context_size", 2048), new Timeouts(
                Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30)), STORIES);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            one.load(STORIES);
            Started longOne = new Started();
            // holds the only slot for 1,500 tokens, a few hundred ms
            Future<?> first = pool.submit(() -> one.chat(request(STORIES, 1500, true, Map.of("ignore_eos", true)),
                    longOne));
            assertThat(longOne.started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Recorder queued = new Recorder();
            assertThatThrownBy(() -> one.chat(request(STORIES, 8, true, Map.of()), queued))
                    .isInstanceOf(ModelClientException.class)
                    .extracting(e -> ((ModelClientException) e).failure()).isEqualTo(FailureClass.TIMEOUT_FIRST_TOKEN);
            assertThat(queued.chunks).isEmpty();
            first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(longOne.finish).isEqualTo("length");
            assertThat(longOne.completion).isEqualTo(1500);
            // the abandoned task got the slot, yielded its first token, was cancelled: no reader waits any more
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && readersInNative() > 0) {
                Thread.sleep(20);
            }
            assertThat(readersInNative()).isZero();
            Recorder next = new Recorder();
            one.chat(request(STORIES, 8, true, Map.of()), next);
            assertThat(next.completion).isPositive();
        } finally {
            pool.shutdownNow();
            one.close();
        }
    }

    private static long readersInNative() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("gguf-reader-"))
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getMethodName().equals("receiveCompletion")))
                .count();
    }

    @Test
    void aTotalTimeoutCancelsTheTaskAndTheModelServesTheNextRequest() {
        GgufModelClient slow = open(Map.of("threads", 1), new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(30)), STORIES);
        try {
            slow.load(STORIES);
            Recorder r = new Recorder();
            assertThatThrownBy(() -> slow.chat(request(STORIES, 5000, true, Map.of("ignore_eos", true)), r))
                    .isInstanceOf(ModelClientException.class)
                    .extracting(e -> ((ModelClientException) e).failure()).isEqualTo(FailureClass.TIMEOUT_TOTAL);
            assertThat(r.closed).isPositive();
        } finally {
            slow.close();
        }
        sharedClientStillAnswers();
    }
}
