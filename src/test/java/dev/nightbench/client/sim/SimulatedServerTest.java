package dev.nightbench.client.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClientException;
import dev.nightbench.client.NanoClock;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RequestMeter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    @Test
    void aScriptedJudgeSaysTheVerdictOfTheMarkedAnswerInTurnAndTheDefaultForOthers() throws Exception {
        SimulatedServer server = start(new SimulatedServer().verdicts("judge", java.util.Map.of(
                "Paris.", List.of("{\"coherence\": 5}", "not json"),
                "*", List.of("{\"coherence\": 1}"))));
        HttpClient http = HttpClient.newHttpClient();
        java.util.function.Function<String, String> judge = answer -> {
            String user = "Question:\nCapital?\n\n<answer>\n" + answer + "\n</answer>";
            String body = "{\"model\":\"judge\",\"stream\":false,\"messages\":[{\"role\":\"system\",\"content\":"
                    + "\"Score it.\"},{\"role\":\"user\",\"content\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(user) + "}]}";
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return json(r.body()).path("choices").get(0).path("message").path("content").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };

        assertThat(judge.apply("Paris.")).isEqualTo("{\"coherence\": 5}");
        assertThat(judge.apply("  Paris.  ")).isEqualTo("not json");       // the same answer, stripped: its 2nd turn
        assertThat(judge.apply("Lyon.")).isEqualTo("{\"coherence\": 1}");
        assertThat(judge.apply("Paris.")).isEqualTo("{\"coherence\": 5}");
        assertThat(ScriptedVerdicts.judgedAnswer(List.of(new dev.nightbench.client.ChatMessage("user", "no marks"))))
                .isNull();
        assertThat(server.requestCount("judge")).isEqualTo(4);
    }

    @Test
    void aStreamIsSentOnTheWireExactlyLikeOpenAi() throws Exception {
        SimulatedServer server = start(new SimulatedServer().script("s",
                Script.stream().role().delay(5).content("Hi").delay(5).content(" there").finish("stop").usage(3, 2)
                        .done()));
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"model\":\"s\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> events = Arrays.stream(response.body().split("\n\n")).toList();
        assertThat(events).hasSize(6).allSatisfy(e -> assertThat(e).startsWith("data: "));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        JsonNode role = json(events.get(0));
        assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(role.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(role.path("choices").get(0).path("delta").path("content").asText()).isEmpty();
        assertThat(json(events.get(1)).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hi");
        assertThat(json(events.get(2)).path("choices").get(0).path("delta").path("content").asText())
                .isEqualTo(" there");
        JsonNode finish = json(events.get(3)).path("choices").get(0);
        assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.path("delta").size()).isZero();
        JsonNode usage = json(events.get(4));
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
        assertThat(usage.path("usage").path("total_tokens").asInt()).isEqualTo(5);
        assertThat(server.requestCount("s")).isEqualTo(1);
    }

    @Test
    void theModelListAndUnknownRoutesBehaveLikeAnOpenAiServer() throws Exception {
        SimulatedServer server = start(new SimulatedServer().withBuiltInModels(Map.of(), 1));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> nowhere = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nowhere"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(json(models.body()).path("data").findValuesAsText("id"))
                .containsExactlyInAnyOrderElementsOf(SimulatedModels.catalogue());
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(json(nowhere.body()).path("error").path("message").asText()).contains("/v1/nowhere");
    }

    @Test
    void theBuiltInModelsStreamWellFormedAnswersWithHonestUsage() {
        SimulatedServer server = start(new SimulatedServer().withBuiltInModels(Map.of(SimulatedModels.FAST, 0.5,
                SimulatedModels.MEDIUM, 0.2, SimulatedModels.LARGE, 0.1), SimulatedModels.DEFAULT_SEED));
        OpenAiModelClient client = client(server);

        for (String model : List.of(SimulatedModels.FAST, SimulatedModels.MEDIUM, SimulatedModels.LARGE)) {
            Measurement m = call(client, model, "Name three colours please", 200);

            assertThat(m.ok()).as(model + ": " + m.errorMessage()).isTrue();
            assertThat(m.finishReason()).isEqualTo("stop");
            assertThat(m.tokensSource()).isEqualTo("usage");
            assertThat(m.outputTokens()).isEqualTo(m.chunkCount()).isBetween(20, 60);
            assertThat(m.responseText().split(" ")).hasSize(m.outputTokens());
            assertThat(m.promptTokens()).isEqualTo(4);
            assertThat(m.tokensDiffPct()).isBetween(-60.0, 60.0);
        }
        SentRequest last = server.sent().getLast();
        List<SentRequest.Type> types = last.events().stream().map(SentRequest.Event::type).distinct().toList();
        assertThat(types).containsExactly(SentRequest.Type.HEADERS, SentRequest.Type.ROLE, SentRequest.Type.CONTENT,
                SentRequest.Type.FINISH, SentRequest.Type.USAGE, SentRequest.Type.DONE);
    }

    @Test
    void maxTokensCapsABuiltInAnswerWithFinishReasonLength() {
        SimulatedServer server = start(new SimulatedServer().withBuiltInModels(Map.of(), 3));

        Measurement m = call(client(server), SimulatedModels.FAST, "Tell me a story", 5);

        assertThat(m.ok()).isTrue();
        assertThat(m.outputTokens()).isEqualTo(5);
        assertThat(m.finishReason()).isEqualTo("length");
    }

    @Test
    void theSamePromptGetsTheSameAnswerAsAtTemperatureZero() {
        SimulatedServer server = start(new SimulatedServer().withBuiltInModels(Map.of(SimulatedModels.FAST, 0.2), 9));
        OpenAiModelClient client = client(server);

        Measurement first = call(client, SimulatedModels.FAST, "Same prompt", 100);
        Measurement second = call(client, SimulatedModels.FAST, "Same prompt", 100);
        Measurement other = call(client, SimulatedModels.FAST, "Another prompt entirely", 100);

        assertThat(second.responseText()).isEqualTo(first.responseText());
        assertThat(other.responseText()).isNotEqualTo(first.responseText());
    }

    @Test
    void aSlowdownFactorScalesTheTimeToFirstToken() {
        SimulatedServer normal = start(new SimulatedServer().withBuiltInModels(Map.of(), 5));
        SimulatedServer slowed = start(new SimulatedServer()
                .withBuiltInModels(Map.of(SimulatedModels.MEDIUM, 3.0), 5));
        OpenAiModelClient normalClient = client(normal);
        OpenAiModelClient slowedClient = client(slowed);

        double[] ratios = new double[3];
        for (int i = 0; i < ratios.length; i++) {   // request i has the same base delay on both servers
            double base = call(normalClient, SimulatedModels.MEDIUM, "Hi", 1).ttftMs();
            double slow = call(slowedClient, SimulatedModels.MEDIUM, "Hi", 1).ttftMs();
            ratios[i] = slow / base;
        }

        Arrays.sort(ratios);
        assertThat(ratios[1]).isBetween(2.0, 4.5);
    }

    @Test
    void simFlakyFailsSomeRequestsButNotAll() throws Exception {
        SimulatedServer server = start(new SimulatedServer()
                .withBuiltInModels(Map.of(SimulatedModels.FLAKY, 0.05), SimulatedModels.DEFAULT_SEED));
        OpenAiModelClient client = client(server);
        List<Future<Measurement>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> call(client, SimulatedModels.FLAKY, "Hi", 10)));
            }
        }
        List<String> statuses = new ArrayList<>();
        for (Future<Measurement> f : futures) {
            statuses.add(f.get().status().value());
        }

        long failed = statuses.stream().filter(s -> !s.equals("ok")).count();
        assertThat(failed).isBetween(3L, 25L);
        assertThat(statuses).contains("http_error").allMatch(s -> List.of("ok", "http_error", "truncated_stream")
                .contains(s));
        assertThat(server.requestCount(SimulatedModels.FLAKY)).isEqualTo(40);
    }

    @Test
    void theServerRecordsSendTimesThatPrecedeTheClientsArrivals() {
        List<SentRequest> completed = new CopyOnWriteArrayList<>();
        SimulatedServer server = start(new SimulatedServer()
                .script("timed", Script.stream().role().delay(50).content("a").delay(20).content(" b")
                        .finish("stop").done())
                .onCompleted(completed::add));
        List<Long> arrivals = new ArrayList<>();
        ResponseObserver observer = new ResponseObserver() {
            public void onSent(long t0Nanos, long prepNanos) {
            }

            public void onChunk(long nanos, String content, String reasoning) {
                if (content != null && !content.isEmpty()) {
                    arrivals.add(nanos);
                }
            }

            public void onFinish(String finishReason) {
            }

            public void onUsage(Integer promptTokens, Integer completionTokens) {
            }

            public void onClosed(long nanos) {
            }
        };

        client(server).chat(request("timed", "Hi", 10), observer);

        SentRequest sent = server.sent().getFirst();
        List<SentRequest.Event> sends = sent.eventsOf(SentRequest.Type.CONTENT);
        assertThat(sends).hasSize(2);
        assertThat(sends.get(0).writeNanos() - sent.receivedNanos()).isGreaterThanOrEqualTo(50_000_000L);
        assertThat(sends.get(1).writeNanos() - sends.get(0).writeNanos()).isBetween(15_000_000L, 1_500_000_000L);
        for (int i = 0; i < 2; i++) {
            SentRequest.Event send = sends.get(i);
            assertThat(send.nanos()).isGreaterThanOrEqualTo(send.writeNanos());
            assertThat(arrivals.get(i)).isGreaterThan(send.writeNanos());
            assertThat(arrivals.get(i) - send.nanos()).isLessThan(1_500_000_000L);
        }
        assertThat(sent.completed()).isTrue();
        assertThat(sent.status()).isEqualTo(200);
        assertThat(completed).containsExactly(sent);
    }

    @Test
    void onlyTheMostRecentRequestsAreKept() {
        SimulatedServer server = start(new SimulatedServer()
                .script("ok", Script.stream().role().content("x").finish("stop").done()).keepSent(2));
        OpenAiModelClient client = client(server);

        for (int i = 0; i < 3; i++) {
            call(client, "ok", "Hi", 10);
        }
        // the server books a request just after its last write, which the client may read first
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && server.sent().stream().noneMatch(r -> r.index() == 2)) {
            Thread.onSpinWait();
        }

        assertThat(server.sent()).extracting(SentRequest::index).containsExactly(1, 2);
        assertThat(server.requestCount("ok")).isEqualTo(3);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void slowdownFactorsAreParsedFromTheEnvironmentFormat() {
        assertThat(SimulatedModels.parseSlowdown("sim-medium=1.5, sim-fast=2"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("sim-medium", 1.5, "sim-fast", 2.0));
        assertThat(SimulatedModels.parseSlowdown("")).isEmpty();
        assertThat(SimulatedModels.parseSlowdown(null)).isEmpty();
        assertThatThrownBy(() -> SimulatedModels.parseSlowdown("sim-huge=2"))
                .hasMessageContaining(SimulatedModels.SLOWDOWN_ENV).hasMessageContaining("sim-huge");
        assertThatThrownBy(() -> SimulatedModels.parseSlowdown("sim-fast=-1"))
                .hasMessageContaining("positive factor");
        assertThatThrownBy(() -> SimulatedModels.parseSlowdown("sim-fast"))
                .hasMessageContaining("<model>=<factor>");
    }

    @Test
    void theCatalogueListsTheBuiltInModels() {
        assertThat(SimulatedModels.catalogue())
                .containsExactly("sim-fast", "sim-medium", "sim-large", "sim-flaky", "sim-busy");
        assertThat(SimulatedModels.isBuiltIn("sim-large")).isTrue();
        assertThatThrownBy(() -> SimulatedModels.builtIn("gpt-4", 1, 1)).hasMessageContaining("unknown");
    }

    // --- helpers

    private SimulatedServer start(SimulatedServer server) {
        resources.add(server);
        return server.start();
    }

    private OpenAiModelClient client(SimulatedServer server) {
        OpenAiModelClient client = new OpenAiModelClient(server.baseUrl(), null, TIMEOUTS, NanoClock.SYSTEM);
        resources.add(client);
        return client;
    }

    private static ChatRequest request(String model, String prompt, int maxTokens) {
        return new ChatRequest(model, List.of(new ChatMessage("user", prompt)), maxTokens, 0.0, null, true, null);
    }

    private static Measurement call(OpenAiModelClient client, String model, String prompt, int maxTokens) {
        RequestMeter meter = new RequestMeter(true);
        try {
            client.chat(request(model, prompt, maxTokens), meter);
            return meter.toMeasurement(Instant.EPOCH, null);
        } catch (ModelClientException e) {
            return meter.toMeasurement(Instant.EPOCH, e);
        }
    }

    private static JsonNode json(String event) throws Exception {
        return JSON.readTree(event.startsWith("data: ") ? event.substring(6) : event);
    }
}
