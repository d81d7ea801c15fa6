package dev.nightbench.run;

import dev.nightbench.client.sim.SimulatedModels;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plan with a long {@code shared_prefix:} on the simulated endpoint: the first request pays the prefix's prefill,
 * every later one is served it from the model's prefix cache; the requests store it, {@code prefix_cache} (V24) and
 * the report's "Prefix cache" section set the cached requests' time to first token beside the uncached ones'.
 */
class PrefixCacheJobTest extends JobTestSupport {

    private static final int PREFIX_WORDS = 6_000;

    @Test
    void cachedAndUncachedTtftArePerModelInTheViewAndTheReport(@TempDir Path dir) throws Exception {
        StringBuilder handbook = new StringBuilder();
        for (int i = 0; i < PREFIX_WORDS; i++) {
            handbook.append(i % 12 == 11 ? "policy.\n" : "rule" + i + " ");
        }
        Files.writeString(dir.resolve("handbook.txt"), handbook);
        Path plan = Files.writeString(dir.resolve("prefix.yaml"), """
                name: prefix-cache
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}, {alias: sim-medium}]
                prompts:
                  - {id: refunds, text: "How are refunds handled?"}
                  - {id: returns, text: "How long do returns take?"}
                  - {id: hours, text: "When is support open?"}
                shared_prefix: {file: handbook.txt}
                run: {warmup: 0, rounds: 3, max_tokens: 8}
                """);

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        // per model: the very first request meets an empty cache, the other 8 find the prefix in it
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens = 0", runId)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens >= ?", runId,
                PREFIX_WORDS - 16)).isEqualTo(16);
        assertThat(count("SELECT count(*) FROM prompts p JOIN run_prompts rp USING (text_sha256) WHERE rp.run_id = ?"
                + " AND p.text LIKE 'system: rule0 rule1 %'", runId)).isEqualTo(3);

        Map<String, Map<String, Object>> view = new java.util.HashMap<>();
        jdbc.sql("SELECT * FROM prefix_cache WHERE run_id = ?").param(runId).query().listOfRows()
                .forEach(row -> view.put((String) row.get("model_alias"), row));
        assertThat(view).containsOnlyKeys("sim-fast", "sim-medium");
        for (var e : Map.of("sim-fast", SimulatedModels.PREFILL_FAST, "sim-medium", SimulatedModels.PREFILL_MEDIUM)
                .entrySet()) {
            Map<String, Object> row = view.get(e.getKey());
            assertThat(row).containsEntry("requests", 9L).containsEntry("cached_requests", 8L)
                    .containsEntry("uncached_requests", 1L).containsEntry("unknown_requests", 0L);
            double prefillMs = e.getValue() * PREFIX_WORDS;
            double cached = (Double) row.get("cached_ttft_p50_ms");
            double uncached = (Double) row.get("uncached_ttft_p50_ms");
            assertThat(uncached - cached).as(e.getKey()).isGreaterThan(prefillMs / 2);
            assertThat((Double) row.get("cached_share")).isBetween(0.5, 1.0);
        }

        String report = report(runId);
        assertThat(report).contains("## Prefix cache", "SELECT * FROM prefix_cache WHERE run_id = " + runId);
        String section = report.substring(report.indexOf("## Prefix cache"));
        assertThat(section.substring(0, section.indexOf("## Trends"))).contains("|sim-fast|serial|8 / 1 / 0|",
                "|sim-medium|serial|8 / 1 / 0|");
    }

    @Test
    void aRunWithoutCachedRequestsHasNoPrefixCacheSection(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("short.yaml"), """
                name: no-prefix
                endpoints: [{name: sim, type: simulated}]
                models: [{alias: sim-fast}]
                prompts: [{id: q, text: "Hi there"}]
                run: {warmup: 0, rounds: 2, max_tokens: 4}
                """);

        JobExecution execution = launch(plan);

        long runId = runId(execution);
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND cached_tokens = 0", runId)).isEqualTo(2);
        assertThat(report(runId)).doesNotContain("Prefix cache");
    }

    private String report(long runId) throws IOException {
        try (Stream<Path> dirs = Files.list(reports)) {
            Path dir = dirs.filter(d -> d.getFileName().toString().matches(".+_" + runId + "_[0-9a-f]{8}")).findFirst().orElseThrow();
            return Files.readString(dir.resolve("report.md"));
        }
    }
}
