package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.RealLlamaServer;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's done-when, on the shipped {@code jobs/workloads-demo.yaml}: a sampled JSONL dataset, ShareGPT
 * conversations, a three-turn conversation of the plan's own, synthetic 1,000-in/100-out prompts fitted with the
 * model's tokenizer and a shared prefix, run through the real job on a real PostgreSQL, once on the built-in simulated
 * endpoint (a loopback HTTP server with llama.cpp's {@code /tokenize}) and once on a genuine llama.cpp
 * {@code llama-server} when one is built here (skipped otherwise). Restarting mid-conversation is
 * {@link ConversationRestartTest}'s, byte-identical prompts across runs {@link SyntheticJobTest}'s and
 * {@link SyntheticRestartTest}'s.
 */
class WorkloadsDemoTest extends JobTestSupport {

    static final Path PLAN = Path.of("jobs/workloads-demo.yaml");

    @Test
    @ExtendWith(SimTimeScale.class) // nothing here depends on the simulated latencies
    void theShippedPlanRunsOnTheSimulatedEndpoint() throws Exception {
        JobExecution execution = launch(PLAN);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertSources(runId);
        assertPrompts(runId, "tokenizer:sim-fast");

        // every synthetic answer went on to the 100 tokens asked for (ignore_eos), by the server's usage
        List<Map<String, Object>> lengths = jdbc.sql("SELECT * FROM output_lengths WHERE run_id = ? ORDER BY model_alias")
                .param(runId).query().listOfRows();
        assertThat(lengths).hasSize(2).allSatisfy(l -> {
            assertThat(l.get("source")).isEqualTo("long-in");
            assertThat((Double) l.get("reached_share")).isEqualTo(1.0);
            assertThat((Double) l.get("output_mean")).isEqualTo(100.0);
        });
        assertTurns(runId);

        // the cache on against off: sim-fast served the shared prefix from its cache after the warm-up, the same model
        // with cache_prompt: false never did
        Map<String, Object> cached = prefix(runId, "sim-fast");
        Map<String, Object> uncached = prefix(runId, "sim-fast-nocache");
        assertThat(((Number) cached.get("cached_requests")).intValue()).isEqualTo(((Number) cached.get("requests")).intValue());
        assertThat(((Number) uncached.get("cached_requests")).intValue()).isZero();
        assertThat(((Number) uncached.get("uncached_requests")).intValue()).isEqualTo(((Number) uncached.get("requests")).intValue());
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND model_alias = 'sim-fast'"
                + " AND load_mode = 'serial' AND cached_tokens > 0 AND prompt_tokens_source = 'usage'", runId)).isEqualTo(40);

        String report = Files.readString(reportDir(runId).resolve("report.md"));
        assertThat(report).contains("## Lengths", "## Conversations", "## Prefix cache", "|sim-fast|long-in|8|100.0|100.0|",
                "|sim-fast|1 → 3|", "|sim-fast-nocache|serial|0 / 40 / 0|");
        assertThat(Files.readAllLines(reportDir(runId).resolve("requests.csv")).getFirst())
                .endsWith(",cached_tokens,prompt_tokens_source");
    }

    @Test
    void theSamePlanRunsOnARealLlamaServer(@TempDir Path dir) throws Exception {
        try (RealLlamaServer server = RealLlamaServer.start(dir.resolve("server.log"),
                "-np", "4", "-c", "16384", "-t", "2")) {
            Path plan = dir.resolve("workloads-llama.yaml");
            Files.writeString(plan, onLlamaServer(Files.readString(PLAN), server.baseUrl().toString()));

            JobExecution execution = launch(plan);

            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            long runId = runId(execution);
            assertSources(runId);
            assertPrompts(runId, "tokenizer:sim-fast");
            assertTurns(runId);
            // the server's own token counts: usage agrees with the prompt as fitted by its /tokenize, plus the chat
            // template and the shared prefix; ignore_eos made every synthetic answer 100 tokens long
            List<Map<String, Object>> synthetic = jdbc.sql("""
                    SELECT q.model_alias, q.prompt_tokens, q.output_tokens, q.cached_tokens, p.input_tokens
                    FROM measured_requests q JOIN run_prompts p USING (run_id, prompt_id)
                    WHERE q.run_id = ? AND p.source = 'long-in'""").param(runId).query().listOfRows();
            assertThat(synthetic).hasSize(16).allSatisfy(r -> {
                assertThat((Integer) r.get("output_tokens")).isEqualTo(100);
                assertThat((Integer) r.get("prompt_tokens")).isGreaterThan((Integer) r.get("input_tokens"));
            });
            // llama.cpp's prompt cache (timings.cache_n): on for sim-fast, off (cache_prompt: false) for the other
            Map<String, Object> cached = prefix(runId, "sim-fast");
            Map<String, Object> uncached = prefix(runId, "sim-fast-nocache");
            assertThat(((Number) cached.get("cached_requests")).intValue()).isPositive();
            assertThat(((Number) uncached.get("cached_requests")).intValue()).isZero();
            assertThat(Files.readString(reportDir(runId).resolve("report.md")))
                    .contains("## Lengths", "## Conversations", "## Prefix cache");
        }
    }

    /** The shipped plan pointed at llama-server: the same prompts, sources and settings, its model behind both aliases. */
    static String onLlamaServer(String plan, String baseUrl) {
        String out = plan.replace("""
                  - name: sim
                    type: simulated
                """, """
                  - name: sim
                    base_url: "%s"
                """.formatted(baseUrl))
                .replace("  - alias: sim-fast\n", "  - alias: sim-fast\n    model: stories260K\n")
                .replace("    model: sim-fast\n", "    model: stories260K\n")
                .replace("path: datasets/", "path: " + PLAN.toAbsolutePath().getParent().resolve("datasets") + "/");
        assertThat(out).isNotEqualTo(plan).doesNotContain("type: simulated", "model: sim-fast\n");
        return out;
    }

    private void assertSources(long runId) throws Exception {
        List<Map<String, Object>> sources = jdbc.sql("""
                SELECT name, kind, sha256, sample, records_read, prompts_drawn FROM run_prompt_sources
                WHERE run_id = ? ORDER BY ordinal""").param(runId).query().listOfRows();
        assertThat(sources).extracting(s -> s.get("name") + "/" + s.get("kind") + "/" + s.get("prompts_drawn"))
                .containsExactlyInAnyOrder("long-in/synthetic/4", "support/jsonl/6", "helpdesk/sharegpt/7");
        Map<String, Object> support = sources.stream().filter(s -> "support".equals(s.get("name"))).findFirst().orElseThrow();
        assertThat(support.get("sha256")).isEqualTo(sha256(PLAN.getParent().resolve("datasets/support.jsonl")));
        assertThat(support.get("records_read")).isEqualTo(30L);
        assertThat(support.get("sample")).isEqualTo(6);
    }

    private void assertPrompts(long runId, String lengthSource) {
        List<Map<String, Object>> synthetic = jdbc.sql("""
                SELECT prompt_id, target_input_tokens, input_tokens, target_output_tokens, length_source FROM run_prompts
                WHERE run_id = ? AND source = 'long-in' ORDER BY prompt_id""").param(runId).query().listOfRows();
        assertThat(synthetic).extracting(p -> p.get("prompt_id")).containsExactly("long-in:1", "long-in:2", "long-in:3", "long-in:4");
        assertThat(synthetic).allSatisfy(p -> {
            assertThat(p.get("target_input_tokens")).isEqualTo(1000);
            assertThat((Integer) p.get("input_tokens")).isBetween(998, 1002); // fitted with the tokenizer, word by word
            assertThat(p.get("target_output_tokens")).isEqualTo(100);
            assertThat(p.get("length_source")).isEqualTo(lengthSource);
        });
        assertThat(count("SELECT count(*) FROM run_prompts WHERE run_id = ? AND conversation_id = 'sync'", runId)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM run_prompts WHERE run_id = ? AND source = 'helpdesk' AND turn IS NOT NULL",
                runId)).isEqualTo(7);
    }

    /** Every turn of every conversation answered in both rounds, for both models. */
    private void assertTurns(long runId) {
        List<Map<String, Object>> turns = jdbc.sql("""
                SELECT model_alias, turn, sum(requests) AS requests, sum(ok_requests) AS ok
                FROM conversation_turns WHERE run_id = ? GROUP BY model_alias, turn ORDER BY model_alias, turn""")
                .param(runId).query().listOfRows();
        assertThat(turns).extracting(t -> t.get("model_alias") + "#" + t.get("turn") + ":" + t.get("ok") + "/" + t.get("requests"))
                .containsExactly("sim-fast#1:8/8", "sim-fast#2:8/8", "sim-fast#3:4/4",
                        "sim-fast-nocache#1:8/8", "sim-fast-nocache#2:8/8", "sim-fast-nocache#3:4/4");
        // the plan's own conversation: each turn sends the earlier turns and the model's answers, so its context grows
        for (String model : List.of("sim-fast", "sim-fast-nocache")) {
            List<Double> context = jdbc.sql("""
                    SELECT prompt_tokens_mean FROM conversation_turns
                    WHERE run_id = ? AND model_alias = ? AND conversation_id = 'sync' ORDER BY turn""")
                    .params(runId, model).query(Double.class).list();
            assertThat(context).hasSize(3);
            assertThat(context.get(1)).isGreaterThan(context.get(0));
            assertThat(context.get(2)).isGreaterThan(context.get(1));
        }
    }

    private Map<String, Object> prefix(long runId, String model) {
        return jdbc.sql("SELECT * FROM prefix_cache WHERE run_id = ? AND model_alias = ? AND load_mode = 'serial'")
                .params(runId, model).query().singleRow();
    }

    private Path reportDir(long runId) throws IOException {
        try (var dirs = Files.list(reports)) {
            return dirs.filter(d -> d.getFileName().toString().matches(".+_" + runId + "_[0-9a-f]{8}")).findFirst().orElseThrow();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
