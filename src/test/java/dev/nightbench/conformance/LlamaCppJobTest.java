package dev.nightbench.conformance;

import dev.nightbench.conformance.ConformanceServer.AfterAnswer;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job against a server that closes its connection after every answer while advertising keep-alive, as
 * llama.cpp's {@code llama-server} does: every request succeeds on its first attempt, the lost sends are stored as
 * reconnects, and the stored figures are the server's schedule.
 */
class LlamaCppJobTest extends JobTestSupport {

    private static final double PREFILL_MS = 20;
    private static final double GAP_MS = 5;
    private static final ConformanceServer LLAMA = Flavours.llamaCpp(AfterAnswer.CLOSE_AT_ONCE, 0, true, PREFILL_MS,
            GAP_MS);

    @AfterAll
    static void stop() {
        LLAMA.close();
    }

    @Test
    void everyRequestSucceedsOnItsFirstAttemptAndTheLostSendsAreReconnects(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("llama.yaml"), """
                name: llama-conformance
                endpoints: [{name: llama, base_url: "%s"}]
                models: [{alias: llama, model: %s}]
                prompts: [{id: q1, text: "What is six times seven?"}, {id: q2, text: "And seven times six?"}]
                run: {warmup: 1, rounds: 3}
                load: {concurrency: [2], requests: 8}
                """.formatted(LLAMA.baseUrl(), ConformanceServer.MODEL));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ?", runId)).isEqualTo(1 + 6 + 8);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND (attempt > 1 OR status <> 'ok')", runId))
                .isZero();
        // serial requests after the first each found the pooled connection closed; load workers too
        assertThat(count("SELECT sum(reconnects) FROM requests WHERE run_id = ?", runId)).isGreaterThanOrEqualTo(6);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND reconnects > 2", runId)).isZero();

        double scriptedE2e = PREFILL_MS + 5 * GAP_MS;
        for (Map<String, Object> row : jdbc.sql("""
                        SELECT ttft_ms, e2e_ms, tpot_ms, output_tokens, prompt_tokens, tokens_source, chunk_count
                        FROM requests WHERE run_id = ? AND phase = 'measure' AND load_mode = 'serial'""")
                .param(runId).query().listOfRows()) {
            assertThat((Double) row.get("ttft_ms")).isBetween(PREFILL_MS, PREFILL_MS + Expected.TOLERANCE_MS);
            assertThat((Double) row.get("e2e_ms")).isBetween(scriptedE2e, scriptedE2e + Expected.TOLERANCE_MS);
            assertThat((Double) row.get("tpot_ms")).isCloseTo(((Double) row.get("e2e_ms") - (Double) row.get("ttft_ms")) / 5,
                    org.assertj.core.api.Assertions.within(1e-9));
            assertThat(row).containsEntry("output_tokens", 6).containsEntry("prompt_tokens", 12)
                    .containsEntry("tokens_source", "usage").containsEntry("chunk_count", 6);
        }
        // timings.cache_n is stored: nothing cached the first time a prompt is sent, all but its last token later
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens IS NULL", runId)).isZero();
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens = 0", runId)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens = ?", runId,
                Flavours.PROMPT_TOKENS - 1))
                .isEqualTo(1 + 6 + 8 - 2);
    }
}
