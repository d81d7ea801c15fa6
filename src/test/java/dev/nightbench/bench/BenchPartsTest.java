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

    @Test
    void theOthersShareOfTheCpuIsAllBusyTimeLessTheBenchmarksOwnProcessAndChildren() {
        long[] start = HostLoad.cpuLine("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n");
        long[] end = HostLoad.cpuLine("cpu  300 10 100 1300 50 0 20 20 0 0\n");
        long selfStart = HostLoad.selfJiffies("42 (java (bench)) S 1 2 3 4 5 6 7 8 9 10 30 20 0 0 20 0");
        long selfEnd = HostLoad.selfJiffies("42 (java (bench)) S 1 2 3 4 5 6 7 8 9 10 80 40 25 5 20 0");

        HostLoad.Window w = HostLoad.between(new HostLoad.Snapshot(2.5, start[0], start[1], selfStart),
                new HostLoad.Snapshot(3.5, end[0], end[1], selfEnd));

        assertThat(start).containsExactly(150, 1000);
        assertThat(selfEnd - selfStart).isEqualTo(100);
        // busy 150 -> 450 (+300: user, nice, system, softirq, steal), all +800; ours +100: others 200 / 800
        assertThat(w.othersCpuShare()).isCloseTo(0.25, within(1e-9));
        assertThat(w.load1Max()).isEqualTo(3.5);
        assertThat(HostLoad.load1Range(List.of(w))).isEqualTo("2.5–3.5");
        assertThat(HostLoad.othersRange(List.of(w, new HostLoad.Window(1, 1, 0.05), new HostLoad.Window(1, 1, 0.5))))
                .isEqualTo("25 % (5–50)");
    }

    @Test
    void theHostLoadIsReadOnLinux() {
        HostLoad.Snapshot s = HostLoad.snapshot();

        assertThat(s.load1()).isNotNaN().isGreaterThanOrEqualTo(0);
        assertThat(s.allJiffies()).isGreaterThan(s.busyJiffies()).isPositive();
        assertThat(s.selfJiffies()).isPositive();
    }

    @Test
    void theWarmUpStopsOnlyWhenTwoWindowsInARowAgreeWithinTheTolerance() {
        assertThat(StreamThroughput.isStable(List.of(1000.0, 1010.0), 0.05)).isFalse();
        assertThat(StreamThroughput.isStable(List.of(500.0, 1000.0, 1200.0), 0.05)).isFalse();
        assertThat(StreamThroughput.isStable(List.of(500.0, 1000.0, 1200.0, 1230.0), 0.05)).isTrue();
        assertThat(StreamThroughput.isStable(List.of(500.0, 1000.0, 1200.0, 1130.0), 0.05)).isFalse();
    }
}
