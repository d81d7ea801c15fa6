package dev.nightbench.run;

import dev.nightbench.plan.PlanLoader;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.test.JobScopeTestUtils;
import org.springframework.batch.test.MetaDataInstanceFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A whole run whose prompts come from datasets ({@code prompts_from:}) on the simulated endpoint and a real
 * PostgreSQL: the sources and their hashes in {@code run_prompt_sources}, each prompt's source in {@code run_prompts},
 * a {@code use: load} source sent only by the load cells that draw from it, a changed dataset file listed as a plan
 * change in the next run's report, and refused by a restart of a run that read the file before it changed.
 */
class DatasetJobTest extends JobTestSupport {

    @Autowired
    RunSession session;

    private static final String PLAN = """
            name: datasets-job
            endpoints: [{name: sim, type: simulated}]
            models: [{alias: sim-fast}]
            prompts: [{id: own, text: "What is the capital of France?"}]
            prompts_from:
              - {name: qa, path: data/qa.jsonl, text: question, id: id, expected: answer, sample: 4, seed: 3}
              - {name: faq, path: data/faq.csv, text: question, id: id, use: load}
            run: {warmup: 1, rounds: 2, max_tokens: 8}
            load: {prompts_from: faq, concurrency: [2], requests: 6}
            """;

    @Test
    void aRunStoresItsDatasetSourcesAndPromptOriginsAndTheNextRunListsAChangedFile(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path qa = Files.writeString(data.resolve("qa.jsonl"), qa("Answer"));
        Path faq = Files.writeString(data.resolve("faq.csv"), "id,question\nship,How long does delivery take?\n"
                + "ret,Can I return an item?\ngift,Do you gift-wrap?\n");
        Path plan = Files.writeString(dir.resolve("datasets-job.yaml"), PLAN);

        JobExecution first = launch(plan);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(first);
        List<Map<String, Object>> sources = jdbc.sql("""
                        SELECT name, ordinal, kind, path, sha256, sample, seed, records_read, prompts_drawn, settings
                        FROM run_prompt_sources WHERE run_id = ? ORDER BY ordinal""").param(runId).query().listOfRows();
        assertThat(sources).hasSize(2);
        assertThat(sources.get(0)).containsEntry("name", "qa").containsEntry("kind", "jsonl")
                .containsEntry("path", "data/qa.jsonl").containsEntry("sha256", sha256(qa)).containsEntry("sample", 4)
                .containsEntry("seed", 3L).containsEntry("records_read", 12L).containsEntry("prompts_drawn", 4);
        assertThat(sources.get(1)).containsEntry("name", "faq").containsEntry("kind", "csv")
                .containsEntry("sha256", sha256(faq)).containsEntry("sample", null).containsEntry("records_read", 3L)
                .containsEntry("prompts_drawn", 3);
        assertThat((String) sources.get(1).get("settings")).contains("use: load");

        // every prompt with its source: the plan's own has none
        List<String> prompts = jdbc.sql("""
                        SELECT prompt_id || ' ' || coalesce(source, '-') FROM run_prompts WHERE run_id = ? ORDER BY ordinal""")
                .param(runId).query(String.class).list();
        assertThat(prompts).hasSize(1 + 4 + 3).startsWith("own -")
                .endsWith("faq:ship faq", "faq:ret faq", "faq:gift faq");
        List<String> drawn = prompts.subList(1, 5).stream().map(p -> p.substring(0, p.indexOf(' '))).toList();
        assertThat(drawn).allMatch(id -> id.matches("qa:q\\d+"));
        assertThat(prompts.subList(1, 5)).allMatch(p -> p.endsWith(" qa"));

        // latency cells: the plan's prompt and the 4 drawn, never the load-only source; the load cell only that source
        assertThat(jdbc.sql("""
                        SELECT DISTINCT prompt_id FROM measured_requests WHERE run_id = ? AND load_mode = 'serial'
                        ORDER BY prompt_id""").param(runId).query(String.class).list())
                .containsExactlyInAnyOrderElementsOf(concat("own", drawn));
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'serial' AND status = 'ok'",
                runId)).isEqualTo(5 * 2);
        assertThat(jdbc.sql("""
                        SELECT DISTINCT prompt_id FROM measured_requests WHERE run_id = ? AND load_mode = 'concurrency'""")
                .param(runId).query(String.class).list()).containsExactlyInAnyOrder("faq:ship", "faq:ret", "faq:gift");
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'concurrency'"
                + " AND status = 'ok'", runId)).isEqualTo(6);

        // the same seed on the same file draws the same records the next night; a changed file is a plan change
        Files.writeString(qa, qa("Changed answer"));
        JobExecution second = launch(plan);

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long secondId = runId(second);
        assertThat(jdbc.sql("SELECT prompt_id FROM run_prompts WHERE run_id = ? AND source = 'qa' ORDER BY ordinal")
                .param(secondId).query(String.class).list()).containsExactlyElementsOf(drawn);
        String report = Files.readString(ReportDirs.of(reports, "2026-11-22_" + secondId).resolve("report.md"));
        assertThat(report).contains("datasets whose file changed (prompts_from): qa: data/qa.jsonl (sha256 "
                + sha256(qa).substring(0, 12) + " now, was " + ((String) sources.get(0).get("sha256")).substring(0, 12)
                + ")");
        assertThat(report).doesNotContain("faq: data/faq.csv (sha256");
    }

    @Test
    void aRestartRefusesADatasetFileThatChangedSinceTheRunStarted(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path qa = Files.writeString(data.resolve("qa.jsonl"), qa("Answer"));
        Files.writeString(data.resolve("faq.csv"), "id,question\nship,How long does delivery take?\n");
        Path plan = Files.writeString(dir.resolve("datasets-restart.yaml"), PLAN);
        String started = new PlanLoader().loadWithSnapshot(plan).plan().hash();
        JobParams params = new JobParams("datasets-job", plan, started, LocalDate.of(2026, 11, 22), "restart", null);
        JobExecution execution = MetaDataInstanceFactory.createJobExecution(NightlyBenchmarkJobConfiguration.JOB_NAME,
                91L, 91L, params.toJobParameters());

        Files.writeString(qa, qa("Answer").replace("Support question 12?", "Support question twelve?"));

        assertThatThrownBy(() -> JobScopeTestUtils.doInJobScope(execution, () -> session.plan()))
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .rootCause().hasMessageStartingWith("The plan " + plan + " changed since this run started (hash "
                        + started.substring(0, 12) + " then, ");
    }

    @Test
    void theShippedDatasetsDemoRunsOnTheSimulatedEndpoint() throws Exception {
        JobExecution execution = launch(Path.of("jobs/datasets-demo.yaml"));

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(jdbc.sql("""
                        SELECT name || ' ' || kind || ' ' || records_read || ' ' || prompts_drawn
                        FROM run_prompt_sources WHERE run_id = ? ORDER BY ordinal""").param(runId).query(String.class).list())
                .containsExactly("support jsonl 30 8", "helpdesk sharegpt 3 3", "shop csv 5 5");
        // latency cells: 8 support + 3 helpdesk prompts x 2 rounds; the load cells (1 and 4 in flight) only the shop's
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'serial' AND status = 'ok'",
                runId)).isEqualTo(22);
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND load_mode = 'concurrency'"
                + " AND status = 'ok' AND prompt_id LIKE 'shop:%'", runId)).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM run_prompts WHERE run_id = ? AND source = 'helpdesk' AND prompt_id IN"
                + " ('helpdesk:printer', 'helpdesk:vpn', 'helpdesk:laptop-slow')", runId)).isEqualTo(3);
    }

    /** Twelve support questions; the answers (reference answers, not sent) end with {@code suffix}. */
    private static String qa(String suffix) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            sb.append("{\"id\": \"q").append(i).append("\", \"question\": \"Support question ").append(i)
                    .append("?\", \"answer\": \"").append(suffix).append(' ').append(i).append("\"}\n");
        }
        return sb.toString();
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
