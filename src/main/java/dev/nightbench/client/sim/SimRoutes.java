package dev.nightbench.client.sim;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The simulated endpoint's pages beside the OpenAI API: {@code GET /metrics} in llama.cpp's Prometheus format (so a
 * run on the simulator shows server telemetry: the chat requests in flight, the requests and completion tokens
 * served), marked {@code nightbench_simulated 1} so that it is never taken for a real server; llama.cpp's
 * {@code POST /tokenize} ({@link SimTokenizer}); and pages a test mounts
 * with {@link SimulatedServer#serve}, e.g. another server's captured payloads, which take precedence.
 */
final class SimRoutes {

    /** A mounted page. */
    record Page(int status, String contentType, Supplier<byte[]> body) {
    }

    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();

    void mount(String path, Page page) {
        pages.put(path, page);
    }

    /** A chat request in flight until closed. */
    interface InFlight extends AutoCloseable {
        @Override
        void close();
    }

    /** A chat request is being answered with {@code script} until the returned handle is closed. */
    InFlight started(Script script) {
        inFlight.incrementAndGet();
        int tokens = script.steps().stream().filter(s -> s.type() == Script.StepType.USAGE)
                .mapToInt(s -> s.completionTokens() == null ? 0 : s.completionTokens()).sum();
        return () -> {
            inFlight.decrementAndGet();
            served.incrementAndGet();
            completionTokens.addAndGet(tokens);
        };
    }

    /** @return true when {@code path} is one of these pages and it was answered */
    boolean handle(HttpExchange exchange, String path) throws IOException {
        Page page = pages.get(path);
        if (page == null && path.equals("/tokenize")) {
            SimTokenizer.handle(exchange);
            return true;
        }
        if (page == null && path.equals("/metrics") && exchange.getRequestMethod().equals("GET")) {
            page = new Page(200, "text/plain; version=0.0.4", this::metrics);
        }
        if (page == null) {
            return false;
        }
        exchange.getRequestBody().readAllBytes();
        byte[] body = page.body().get();
        exchange.getResponseHeaders().set("Content-Type", page.contentType());
        exchange.sendResponseHeaders(page.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        return true;
    }

    private byte[] metrics() {
        return ("""
                # HELP nightbench_simulated 1: Nightbench's simulated endpoint; the figures below are simulated
                # TYPE nightbench_simulated gauge
                nightbench_simulated 1
                # HELP llamacpp:requests_processing Number of requests processing
                # TYPE llamacpp:requests_processing gauge
                llamacpp:requests_processing %d
                # HELP llamacpp:requests_deferred Number of requests deferred
                # TYPE llamacpp:requests_deferred gauge
                llamacpp:requests_deferred 0
                # HELP llamacpp:tokens_predicted_total Number of generation tokens processed
                # TYPE llamacpp:tokens_predicted_total counter
                llamacpp:tokens_predicted_total %d
                # HELP nightbench_simulated_requests_total Chat requests answered
                # TYPE nightbench_simulated_requests_total counter
                nightbench_simulated_requests_total %d
                """.formatted(inFlight.get(), completionTokens.get(), served.get())).getBytes(StandardCharsets.UTF_8);
    }
}
