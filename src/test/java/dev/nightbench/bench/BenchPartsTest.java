package dev.nightbench.bench;

import dev.nightbench.client.sim.Script;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's own arithmetic and parsing, checked without running anything timed. */
class BenchPartsTest {

    @Test
    void percentilesInterpolateLinearlyLikePercentileCont() {
        Samples s = new Samples();
        for (double v : new double[] {4, 1, 3, 2}) {
            s.add(v);
        }

        assertThat(s.quantile(0.5)).isEqualTo(2.5);
        assertThat(s.quantile(0.99)).isCloseTo(3.97, within(1e-9));
        assertThat(s.min()).isEqualTo(1);
        assertThat(Samples.median(List.of(3.0, Double.NaN, 1.0, 2.0))).isEqualTo(2.0);
    }

    @Test
    void theP99OfTheErrorIsTakenOverAbsoluteValues() {
        Samples s = new Samples();
        for (double v : new double[] {-5, 0.1, 0.2, 0.3}) {
            s.add(v);
        }

        assertThat(s.absQuantile(1.0)).isEqualTo(5.0);
        assertThat(s.quantile(1.0)).isEqualTo(0.3);
    }

    @Test
    void wrksRequestRateAndErrorsAreReadFromItsOutput() {
        String out = """
                Running 8s test @ http://127.0.0.1:4242/v1/chat/completions
                  2 threads and 64 connections
                  Socket errors: connect 0, read 3, write 0, timeout 0
                  Non-2xx or 3xx responses: 7
                Requests/sec:  11307.42
                Transfer/sec:     26.37MB
                """;

        StreamThroughput.Wrk.Result r = StreamThroughput.Wrk.parse(out);

        assertThat(r.requestsPerSecond()).isEqualTo(11307.42);
        assertThat(r.note()).contains("read 3").contains("Non-2xx or 3xx responses: 7");
        assertThat(StreamThroughput.Wrk.luaScript("{\"a\":1}")).contains("wrk.method = \"POST\"")
                .contains("wrk.body = [[{\"a\":1}]]");
    }

    @Test
    void theLeanServerSendsTheSameChunkShapeAsTheSimulatedServer() {
        Script.Step content = Script.stream().content("a \"quoted\"\n word").done().steps().getFirst();

        assertThat(LeanSseServer.json("m", content)).isEqualTo("{\"id\":\"chatcmpl-bench\",\"object\":"
                + "\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"system_fingerprint\":null,\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"a \\\"quoted\\\"\\n word\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
    }

    @Test
    void theJobPlanPointsAnOpenAiEndpointAtTheBenchServer() {
        JobOverhead c = new JobOverhead(null, 2, 3, 5, 50, 10, 16);

        String plan = c.plan(4242);

        assertThat(plan).contains("type: openai").contains("base_url: http://127.0.0.1:4242/v1")
                .contains("alias: m2").contains("id: p3").contains("rounds: 5");
        assertThat(c.scriptedRequestMs()).isEqualTo(200.0);
    }
}
