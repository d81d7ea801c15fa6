package dev.nightbench.run;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimRequest;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A three-turn conversation through the real job on a real PostgreSQL and a loopback model server that records the
 * messages it received: turn 3's request of round r carried the system prompt, turns 1 and 2 and the model's own
 * stored answers of round r; a turn whose earlier turn failed in a round is recorded as skipped for that round
 * (history_missing) and never sent; the per-turn view and the report's Conversations section show every turn.
 */
class ConversationJobTest extends JobTestSupport {

    static final String SYSTEM = "You are a helpdesk.";
    static final List<String> TURNS = List.of("My printer is offline.", "It is a USB printer.", "It works now, thanks.");

    SimulatedServer server;
    final ConcurrentLinkedQueue<SimRequest> received = new ConcurrentLinkedQueue<>();
    final AtomicInteger answered = new AtomicInteger();

    @BeforeEach
    void startServer() {
        server = new SimulatedServer()
                .register("talker", request -> {
                    received.add(request);
                    return answer(request, answered.incrementAndGet());
                })
                .register("flaky", request -> {
                    received.add(request);
                    int n = answered.incrementAndGet();
                    // the first request of turn 2 (round 1) fails
                    if (lastUser(request).equals(TURNS.get(1)) && turnRequests(TURNS.get(1)) == 1) {
                        return Script.status(500).body("{\"error\":{\"message\":\"down\"}}");
                    }
                    return answer(request, n);
                })
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** A distinct answer per request, so round r's history can only be round r's answers; prompt tokens = words. */
    static Script answer(SimRequest request, int n) {
        return Script.stream().role().content("Answer " + n + " to: ").content(lastUser(request)).finish("stop")
                .usage(request.promptWords(), 5 + n % 3).done();
    }

    static String lastUser(SimRequest request) {
        return request.messages().stream().filter(m -> m.role().equals("user")).reduce((a, b) -> b)
                .map(ChatMessage::content).orElse("");
    }

    long turnRequests(String text) {
        return received.stream().filter(r -> lastUser(r).equals(text)).count();
    }

    Path plan(Path dir, String model) throws Exception {
        return Files.writeString(dir.resolve(model + ".yaml"), """
                name: conversation-%s
                endpoints: [{name: sim, base_url: "%s"}]
                models: [{alias: %s}]
                prompts:
                  - {id: capital, text: "Capital of France?"}
                  - id: support
                    system: "%s"
                    turns: ["%s", "%s", "%s"]
                run: {warmup: 0, rounds: 2, fail_after: 10, timeouts: {connect: 2s, first_token: 5s, idle: 5s, total: 20s}}
                retry: {http_5xx: {attempts: 1}}
                """.formatted(model, server.baseUrl(), model, SYSTEM, TURNS.get(0), TURNS.get(1), TURNS.get(2)));
    }

    String storedAnswer(long runId, String promptId, int round) {
        return jdbc.sql("SELECT text FROM measured_answers WHERE run_id = ? AND prompt_id = ? AND round = ?")
                .params(runId, promptId, round).query(String.class).single();
    }

    @Test
    void turnThreeOfEachRoundCarriesTheEarlierTurnsAndTheModelsOwnAnswersOfThatRound(@TempDir Path dir)
            throws Exception {
        // when
        JobExecution execution = launch(plan(dir, "talker"));

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        List<SimRequest> third = received.stream().filter(r -> lastUser(r).equals(TURNS.get(2))).toList();
        assertThat(third).hasSize(2);
        for (int round = 1; round <= 2; round++) {
            List<String> sent = third.get(round - 1).messages().stream().map(m -> m.role() + ": " + m.content())
                    .toList();
            assertThat(sent).containsExactly("system: " + SYSTEM, "user: " + TURNS.get(0),
                    "assistant: " + storedAnswer(runId, "support.t1", round), "user: " + TURNS.get(1),
                    "assistant: " + storedAnswer(runId, "support.t2", round), "user: " + TURNS.get(2));
        }
        assertThat(storedAnswer(runId, "support.t1", 1)).isNotEqualTo(storedAnswer(runId, "support.t1", 2));
        // turn 1 alone, and the plain prompt as before
        assertThat(received.stream().filter(r -> lastUser(r).equals(TURNS.get(0))))
                .allSatisfy(r -> assertThat(r.messages()).hasSize(2));
        assertThat(received).hasSize(8);
        // cells in conversation order, each turn stored with its origin
        assertThat(jdbc.sql("SELECT prompt_id FROM requests WHERE run_id = ? AND request_index = 0 ORDER BY cell_index")
                .param(runId).query(String.class).list())
                .containsExactly("capital", "support.t1", "support.t2", "support.t3");
        assertThat(jdbc.sql("SELECT conversation_id || '#' || turn FROM run_prompts WHERE run_id = ? AND turn IS NOT NULL"
                + " ORDER BY turn").param(runId).query(String.class).list())
                .containsExactly("support#1", "support#2", "support#3");

        // the per-turn view: every request answered, the context growing turn by turn
        List<Map<String, Object>> turns = jdbc.sql("""
                        SELECT turn, requests, ok_requests, history_missing, ttft_ms_mean, tpot_ms_mean, prompt_tokens_mean
                        FROM conversation_turns WHERE run_id = ? ORDER BY turn""").param(runId).query().listOfRows();
        assertThat(turns).extracting(r -> r.get("turn") + " " + r.get("requests") + " " + r.get("ok_requests") + " "
                + r.get("history_missing")).containsExactly("1 2 2 0", "2 2 2 0", "3 2 2 0");
        assertThat(turns).allSatisfy(r -> assertThat(r.get("ttft_ms_mean")).isNotNull());
        double t1 = ((Number) turns.get(0).get("prompt_tokens_mean")).doubleValue();
        double t2 = ((Number) turns.get(1).get("prompt_tokens_mean")).doubleValue();
        double t3 = ((Number) turns.get(2).get("prompt_tokens_mean")).doubleValue();
        assertThat(t1).isLessThan(t2);
        assertThat(t2).isLessThan(t3);

        String report = Files.readString(ReportDirs.of(reports, "2026-11-22_" + runId).resolve("report.md"));
        assertThat(report).contains("## Conversations", "SELECT * FROM conversation_turns WHERE run_id = " + runId,
                "TTFT growth", "1 → 3");
    }

    @Test
    void aTurnWhoseEarlierTurnFailedInARoundIsSkippedForThatRoundAndNeverSent(@TempDir Path dir) throws Exception {
        // when: turn 2 fails in round 1
        JobExecution execution = launch(plan(dir, "flaky"));

        // then: turn 3 is sent in round 2 only; round 1 is a skipped row saying why
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(turnRequests(TURNS.get(1))).isEqualTo(2);
        assertThat(turnRequests(TURNS.get(2))).isEqualTo(1);
        List<Map<String, Object>> rows = jdbc.sql("""
                        SELECT round, status, error_type, error_message FROM requests
                        WHERE run_id = ? AND prompt_id = 'support.t3' ORDER BY round""").param(runId).query().listOfRows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("status", "skipped").containsEntry("error_type", "history_missing");
        assertThat((String) rows.get(0).get("error_message")).isEqualTo("turn 2 (support.t2) has no successful answer"
                + " in round 1, so turn 3 cannot be sent with its history");
        assertThat(rows.get(1)).containsEntry("status", "ok");
        assertThat(jdbc.sql("SELECT turn || ' ' || ok_requests || ' ' || history_missing FROM conversation_turns"
                + " WHERE run_id = ? ORDER BY turn").param(runId).query(String.class).list())
                .containsExactly("1 2 0", "2 1 0", "3 1 1");
    }
}
