package dev.nightbench.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real headless Chromium driven over the DevTools protocol (its WebSocket, JDK client): navigate, evaluate script in
 * the page, move the mouse, take screenshots, and hear every uncaught exception, {@code console.error} and browser
 * log error (a resource that failed to load, a Content-Security-Policy violation) the page caused. Loopback only:
 * the browser is started with background networking, updates and sync off.
 */
public final class DevTools implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Process browser;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private DevTools(Process browser, WebSocket socket) {
        this.browser = browser;
        this.socket = socket;
    }

    /** Starts Chromium with a fresh profile in {@code work}, the page {@code width} x {@code height} CSS pixels. */
    public static DevTools launch(Path chromium, Path work, int width, int height) throws Exception {
        Path profile = Files.createDirectories(work.resolve("chromium-profile"));
        Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank"))
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!(Files.exists(active) && Files.readAllLines(active).size() >= 2)) {
            if (!browser.isAlive() || System.nanoTime() > deadline) {
                browser.destroyForcibly();
                throw new IllegalStateException("Chromium did not open its DevTools port: "
                        + Files.readString(work.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(active).getFirst().strip());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asString())) {
                page = t.path("webSocketDebuggerUrl").asString();
                break;
            }
        }
        if (page == null) {
            browser.destroyForcibly();
            throw new IllegalStateException("Chromium has no page target: " + targets);
        }
        Listener listener = new Listener();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        DevTools devTools = new DevTools(browser, socket);
        listener.sink = devTools::receive;
        devTools.send("Page.enable", null);
        devTools.send("Runtime.enable", null);
        devTools.send("Log.enable", null);
        ObjectNode metrics = JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false);
        devTools.send("Emulation.setDeviceMetricsOverride", metrics);
        return devTools;
    }

    /** Opens {@code url} and waits for its load event (redirects followed). */
    public void navigate(String url) throws Exception {
        int loadsBefore = count("Page.loadEventFired");
        JsonNode result = send("Page.navigate", JSON.createObjectNode().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("navigation to " + url + " failed: " + result.get("errorText").asString());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (count("Page.loadEventFired") == loadsBefore) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no load event for " + url);
            }
            Thread.sleep(20);
        }
    }

    /** The value of a script expression in the page (promises awaited), as JSON. */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode result = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Moves the mouse to page coordinates, as a person's hover. */
    public void moveMouse(double x, double y) throws Exception {
        send("Input.dispatchMouseEvent", JSON.createObjectNode().put("type", "mouseMoved").put("x", x).put("y", y));
    }

    /** A PNG of the viewport. */
    public byte[] screenshot() throws Exception {
        JsonNode result = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(result.get("data").asString());
    }

    /**
     * The errors the pages reported since the last call: uncaught exceptions, {@code console.error} and
     * {@code console.assert} calls, and browser log entries of level error (failed loads, policy violations).
     */
    public List<String> takeErrors() {
        List<String> errors = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode p = e.path("params");
            switch (e.path("method").asString()) {
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    String type = p.path("type").asString();
                    if (type.equals("error") || type.equals("assert")) {
                        errors.add("console." + type + ": " + p.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asString().equals("error")) {
                        errors.add("log: " + p.path("entry").path("text").asString() + " "
                                + p.path("entry").path("url").asString());
                    }
                }
                default -> { }
            }
        }
        events.removeIf(e -> !e.path("method").asString().equals("Page.loadEventFired"));
        return errors;
    }

    private int count(String method) {
        return (int) events.stream().filter(e -> method.equals(e.path("method").asString())).count();
    }

    private JsonNode send(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode answer = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    private void receive(String text) {
        JsonNode message = JSON.readTree(text);
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
        } else {
            events.add(message);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.abort();
        browser.destroy();
        if (!browser.waitFor(20, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            browser.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Joins a message's fragments and hands it on. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();
        private volatile Consumer<String> sink;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                if (sink != null) {
                    sink.accept(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
