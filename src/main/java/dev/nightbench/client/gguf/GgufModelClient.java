package dev.nightbench.client.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.kherud.llama.LlamaModel;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.FailureClass;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.gguf.LoadedModels.Loaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code type: gguf} endpoint's client: one llama.cpp {@link LlamaModel} per model name (the .gguf file's path),
 * loaded by {@link #load} before the model's first request (or by that request, before its t0), and shared by every
 * thread that sends to it; llama.cpp serves {@code parallel} of them at once and queues the others, as llama-server
 * does.
 *
 * <p>A chat is formatted with the model's chat template through llama.cpp's own OpenAI-compatible parsing (ChatML
 * when the file has none, as llama-server), timed from the moment the formatted prompt is handed to llama.cpp, and
 * reported token by token: each output llama.cpp yields before its last is one decoded token, stamped as it arrives
 * ({@link TokenStream}). Usage is what llama-server would report: the prompt's tokens with the BOS token the
 * tokenizer adds, and the number of token outputs (fewer than the decoded tokens by one for each token that ended
 * inside a UTF-8 character and was merged into the next).
 */
public final class GgufModelClient implements ModelClient {

    private static final Logger log = LoggerFactory.getLogger(GgufModelClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger READERS = new AtomicInteger();

    private final ProviderEndpoint endpoint;
    private final GgufSettings settings;
    private final NanoClock clock;
    private final Timeouts timeouts;
    private final Map<String, Holder> models = new ConcurrentHashMap<>();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gguf-reader-" + READERS.incrementAndGet());
        t.setDaemon(true); // one waiting in native code forever (a hung model) must not keep the JVM alive
        return t;
    });
    private final java.util.Set<TokenStream> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    GgufModelClient(ProviderEndpoint endpoint, GgufSettings settings) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.clock = endpoint.clock();
        this.timeouts = endpoint.timeouts();
    }

    /**
     * One model name's load, done once per client from {@link LoadedModels} (which loads a file once per process); a
     * failed load is remembered and reported again without retrying.
     */
    private final class Holder {
        private final String name;
        private volatile LoadedModels.Use use;
        private ModelClientException failed;

        Holder(String name) {
            this.name = name;
        }

        Loaded get() {
            LoadedModels.Use u = use;
            return (u != null ? u : load()).loaded();
        }

        private synchronized LoadedModels.Use load() {
            if (use != null) {
                return use;
            }
            if (failed != null) {
                throw new ModelClientException(failed.failure(), failed.getMessage());
            }
            if (closed) {
                throw new ModelClientException(FailureClass.CANCELLED, "the gguf endpoint '" + endpoint.name()
                        + "' is closed");
            }
            Path file = endpoint.settings().resolve(name);
            try {
                String notGguf = Files.isRegularFile(file) ? GgufFile.notGguf(file) : "no file at " + file;
                if (notGguf != null) {
                    throw new IOException(notGguf);
                }
                use = LoadedModels.use(file, settings, () -> loadNow(file));
                if (!use.fresh()) {
                    log.debug("gguf: {} is already loaded in this process", file);
                }
                return use;
            } catch (IOException | RuntimeException | LinkageError e) {
                failed = new ModelClientException(FailureClass.CONNECT_ERROR, "could not load the model " + file
                        + " on gguf endpoint '" + endpoint.name() + "': " + e.getMessage(), null, null, e);
                throw failed;
            }
        }
    }

    private Loaded loadNow(Path file) throws IOException {
        GgufFile meta = GgufFile.read(file);
        Natives.prepare();
        Instant at = Instant.now();
        long start = System.nanoTime();
        LlamaModel model = new LlamaModel(settings.parameters(file, Natives.consoleLog()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Natives.routeLog();
        log.debug("gguf: loaded {} in {} ms (BOS added: {}, chat template: {})", file, took.toMillis(),
                meta.addsBos(), meta.hasChatTemplate() ? "its own" : "none, ChatML");
        return new Loaded(model, meta.addsBos(), took, at);
    }

    private Holder holder(String model) {
        return models.computeIfAbsent(model, Holder::new);
    }

    /**
     * Every token is stamped when the reader thread takes it from llama.cpp's result queue, one at a time: no socket
     * read to split, and a tiny model's tokens legitimately come less than 0.25 ms apart, which the burst rule would
     * take for one read. A reader kept off the CPU still drains a backlog at once; the impossible-rate rule flags that
     * (seen once: 24 tokens within 0.17 ms at concurrency 4 on 2 cores, jobs/demo-gguf.yaml).
     */
    @Override
    public boolean chunksAreReads() {
        return false;
    }

    /** The endpoint's model names whose files exist. */
    @Override
    public List<String> listModels() {
        return endpoint.models().stream().filter(m -> Files.isRegularFile(endpoint.settings().resolve(m))).toList();
    }

    /**
     * Loads {@code model} once; later calls return the first load's time at once. Null when an earlier client of this
     * process loaded it ({@link LoadedModels}): nothing was loaded for this run, and {@link #loadNote} says so.
     */
    @Override
    public Duration load(String model) {
        Holder h = holder(model);
        h.get();
        return h.use.fresh() ? h.use.loaded().took() : null;
    }

    /** The .gguf file's SHA-256, hashed once per process for each file content (LoadedModels); null when unreadable. */
    @Override
    public String modelSha256(String model) {
        Path file = endpoint.settings().resolve(model);
        try {
            return LoadedModels.sha256(file);
        } catch (IOException e) {
            log.warn("gguf: could not hash {}: {}", file, e.toString());
            return null;
        }
    }

    /** For a model this process had loaded before: when, and how long that load took. */
    @Override
    public String loadNote(String model) {
        LoadedModels.Use u = holder(model).use;
        if (u == null || u.fresh()) {
            return null;
        }
        return "already loaded in this process since " + u.loaded().at().truncatedTo(ChronoUnit.SECONDS)
                + " (that load took " + String.format(Locale.ROOT, "%.1f", u.loaded().took().toNanos() / 1e6)
                + " ms); the binding cannot free a model, so each is loaded once per process";
    }

    @Override
    public void chat(ChatRequest request, ResponseObserver observer) {
        Loaded m;
        String prompt;
        int promptTokens;
        Sampling.Applied sampling;
        long prepStart = clock.nanoTime();
        try {
            m = holder(request.model()).get(); // never inside the timed window
            prepStart = clock.nanoTime();
            prompt = template(m.model(), request.messages());
            promptTokens = m.model().encode(prompt).length + (m.addsBos() ? 1 : 0);
            sampling = Sampling.apply(prompt, request);
        } catch (ModelClientException e) {
            observer.onClosed(clock.nanoTime());
            throw e;
        } catch (RuntimeException e) {
            observer.onClosed(clock.nanoTime());
            throw new ModelClientException(FailureClass.HTTP_4XX, "llama.cpp could not format the chat for "
                    + request.model() + ": " + e.getMessage(), null, null, e);
        }
        TokenStream stream = new TokenStream(m.model(), sampling.parameters(), clock);
        active.add(stream);
        try {
            long t0 = clock.nanoTime();
            observer.onSent(t0, t0 - prepStart);
            try {
                readers.execute(stream);
            } catch (java.util.concurrent.RejectedExecutionException e) { // closed meanwhile
                stream.close();
            }
            read(request, observer, stream, t0, promptTokens, sampling.maxTokens());
        } finally {
            active.remove(stream);
        }
    }

    /** Reports the stream's outputs as they arrive, within the request's limits. */
    private void read(ChatRequest request, ResponseObserver observer, TokenStream stream, long t0, int promptTokens,
                      Integer maxTokens) {
        boolean streaming = request.stream();
        long totalDeadline = deadline(t0, timeouts.total());
        long last = t0;
        boolean firstToken = false;
        int tokens = 0;
        StringBuilder whole = streaming ? null : new StringBuilder();
        try {
            while (true) {
                long now = clock.nanoTime();
                FailureClass limit = FailureClass.TIMEOUT_TOTAL;
                long until = totalDeadline;
                if (streaming) {
                    long phase = firstToken ? deadline(last, timeouts.idle()) : deadline(t0, timeouts.firstToken());
                    if (phase < until) {
                        until = phase;
                        limit = firstToken ? FailureClass.TIMEOUT_IDLE : FailureClass.TIMEOUT_FIRST_TOKEN;
                    }
                }
                TokenStream.Event e = stream.next(until - now);
                if (e == null) {
                    throw new ModelClientException(limit, timeoutMessage(limit));
                }
                if (e.error() != null) {
                    throw failure(e.error());
                }
                if (e.last()) {
                    if (!streaming) {
                        observer.onChunk(e.nanos(), whole.toString(), null);
                    }
                    observer.onFinish(maxTokens != null && maxTokens > 0 && tokens >= maxTokens ? "length" : "stop");
                    observer.onUsage(promptTokens, tokens);
                    observer.onClosed(e.nanos());
                    return;
                }
                tokens++;
                last = e.nanos();
                if (!e.text().isEmpty()) {
                    firstToken = true;
                    if (streaming) {
                        observer.onChunk(e.nanos(), e.text(), null);
                    } else {
                        whole.append(e.text());
                    }
                }
            }
        } catch (ModelClientException e) {
            stream.abandon();
            observer.onClosed(clock.nanoTime());
            throw e;
        } catch (InterruptedException e) {
            stream.abandon();
            Thread.currentThread().interrupt();
            observer.onClosed(clock.nanoTime());
            throw new ModelClientException(FailureClass.CANCELLED, "interrupted while waiting for llama.cpp");
        }
    }

    private static long deadline(long from, Duration limit) {
        return limit == null || limit.isZero() || limit.isNegative() ? Long.MAX_VALUE : from + limit.toNanos();
    }

    private String timeoutMessage(FailureClass limit) {
        return switch (limit) {
            case TIMEOUT_FIRST_TOKEN -> "no token within the first-token timeout of " + timeouts.firstToken();
            case TIMEOUT_IDLE -> "no token for the idle timeout of " + timeouts.idle();
            default -> "response not complete within the total timeout of " + timeouts.total();
        };
    }

    /** llama.cpp's failure of a task: the request's own fault (too long for the context) or the model's. */
    private ModelClientException failure(RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        boolean request = message.contains("invalid_request") || message.contains("exceed") || message.contains("context");
        return new ModelClientException(closed ? FailureClass.CANCELLED : request ? FailureClass.HTTP_4XX
                : FailureClass.HTTP_5XX, "llama.cpp: " + message, null, null, e);
    }

    /** {@code messages} as {@code model}'s chat template formats them (loads the model when it is not loaded yet). */
    String prompt(String model, List<ChatMessage> messages) {
        return template(holder(model).get().model(), messages);
    }

    /** The messages as the model's chat template formats them, through llama.cpp's OpenAI-compatible parsing. */
    static String template(LlamaModel model, List<ChatMessage> messages) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("messages");
        for (ChatMessage message : messages) {
            list.addObject().put("role", message.role()).put("content", message.content() == null ? ""
                    : message.content());
        }
        return model.applyTemplate(body.toString());
    }

    /**
     * Ends this client: a request still waiting fails as cancelled. Its models stay loaded for the rest of the process
     * ({@link LoadedModels}): the binding's close would free almost none of their memory.
     */
    @Override
    public void close() {
        closed = true;
        active.forEach(TokenStream::close);
        readers.shutdownNow();
    }

    @Override
    public String toString() {
        return "GgufModelClient[" + endpoint.name() + ", " + models.keySet() + "]";
    }
}
