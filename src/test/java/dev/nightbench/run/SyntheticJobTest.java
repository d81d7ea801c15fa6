package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimModel;
import dev.nightbench.client.sim.SimulatedModels;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Synthetic prompts through the real job on a real PostgreSQL and the simulated endpoint on loopback, whose
 * {@code /tokenize} fits them (issue 14): two runs with the same seed send byte-identical request bodies; each
 * prompt's target output length is its {@code max_tokens} with {@code ignore_eos}; the lengths asked for and got are
 * stored and shown by {@code output_lengths}; an answer without usage is counted with the model's tokenizer.
 */
class SyntheticJobTest extends JobTestSupport {

    SimulatedServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() {
        SimModel fast = SimulatedModels.builtIn(SimulatedModels.FAST, 1.0, 42);
        server = new SimulatedServer()
                .register("rec", request -> {
                    bodies.add(request.rawBody());
                    return fast.respond(request);
                })
                // streams three words in one chunk and sends no usage
                .script("nousage", Script.stream().role().content("one two three").finish("stop").done())
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    Path plan(Path dir) throws Exception {
        return Files.writeString(dir.resolve("synthetic.yaml"), """
                name: synthetic
                endpoints: [{name: sim, base_url: "%s"}]
                models: [{alias: rec}]
                prompts: [{id: hello, text: "Say hello"}]
                synthetic: {name: syn, count: 4, seed: 9, input_tokens: {min: 30, max: 80},
                            output_tokens: {min: 6, max: 15}, tokenizer: rec, control: [ignore_eos]}
                run: {warmup: 0, rounds: 2, max_tokens: 64}
                """.formatted(server.baseUrl()));
    }

    @Test
    void twoRunsWithTheSameSeedSendByteIdenticalPromptsOfTheRequestedLengths(@TempDir Path dir) throws Exception {
        Path plan = plan(dir);

        JobExecution first = launch(plan);
        List<String> firstBodies = new ArrayList<>(bodies);
        bodies.clear();
        JobExecution second = launch(plan);

        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(firstBodies).hasSize(10); // 5 prompts x 2 rounds
        assertThat(bodies).containsExactlyElementsOf(firstBodies);

        long runId = runId(second);
        List<Map<String, Object>> prompts = jdbc.sql("""
                SELECT prompt_id, source, target_input_tokens, target_output_tokens, input_tokens, length_source
                FROM run_prompts WHERE run_id = ? AND source = 'syn' ORDER BY prompt_id""").param(runId).query().listOfRows();
        assertThat(prompts).hasSize(4);
        assertThat(prompts.getFirst().get("prompt_id")).isEqualTo("syn:1");
        for (Map<String, Object> p : prompts) {
            // the simulated tokenizer counts words, and a word is one token: the fit is exact
            assertThat(p.get("input_tokens")).isEqualTo(p.get("target_input_tokens"));
            assertThat(p.get("length_source")).isEqualTo("tokenizer:rec");
            int target = (Integer) p.get("target_output_tokens");
            assertThat(target).isBetween(6, 15);
            String sent = firstBodies.stream().filter(b -> b.contains("\"max_tokens\":" + target + ","))
                    .findFirst().orElseThrow();
            assertThat(sent).contains("\"ignore_eos\":true");
        }
        // the plan's own prompt gets the run's max_tokens and no ignore_eos
        assertThat(firstBodies.stream().filter(b -> b.contains("Say hello")))
                .allSatisfy(b -> assertThat(b).contains("\"max_tokens\":64").doesNotContain("ignore_eos"));

        // requested vs actual: the server's usage agrees with the tokenizer, and every answer reached its target
        List<Map<String, Object>> requests = jdbc.sql("""
                SELECT q.prompt_tokens, q.output_tokens, q.tokens_source, p.input_tokens, p.target_output_tokens
                FROM measured_requests q JOIN run_prompts p USING (run_id, prompt_id)
                WHERE q.run_id = ? AND p.source = 'syn'""").param(runId).query().listOfRows();
        assertThat(requests).hasSize(8).allSatisfy(r -> {
            assertThat(r.get("prompt_tokens")).isEqualTo(r.get("input_tokens"));
            assertThat(r.get("output_tokens")).isEqualTo(r.get("target_output_tokens"));
            assertThat(r.get("tokens_source")).isEqualTo("usage");
        });
        Map<String, Object> lengths = jdbc.sql("SELECT * FROM output_lengths WHERE run_id = ?").param(runId)
                .query().singleRow();
        assertThat(lengths.get("model_alias")).isEqualTo("rec");
        assertThat(lengths.get("source")).isEqualTo("syn");
        assertThat(((Number) lengths.get("requests")).intValue()).isEqualTo(8);
        assertThat((Double) lengths.get("reached_share")).isEqualTo(1.0);
        assertThat((Double) lengths.get("output_mean")).isEqualTo((Double) lengths.get("target_output_mean"));
        assertThat((Double) lengths.get("input_mean")).isEqualTo((Double) lengths.get("target_input_mean"));
        assertThat(lengths.get("length_sources")).isEqualTo("tokenizer:rec");
        assertThat(lengths.get("tokens_sources")).isEqualTo("usage");

        // the report shows the same row
        String report = Files.readString(ReportDirs.of(reports, "2026-11-22_" + runId).resolve("report.md"));
        assertThat(report).contains("## Lengths", "SELECT * FROM output_lengths WHERE run_id = " + runId,
                "tokenizer:rec", "100.0 %");
    }

    @Test
    void anAnswerWithoutUsageIsCountedWithTheModelsTokenizer(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("nousage.yaml"), """
                name: nousage
                endpoints: [{name: sim, base_url: "%s"}]
                models: [{alias: nousage, tokenizer: server}]
                prompts: [{id: q, text: "four words right here"}]
                run: {warmup: 0, rounds: 2}
                """.formatted(server.baseUrl()));

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT output_tokens, tokens_source, chunk_count, prompt_tokens, prompt_tokens_source,
                       output_tokens_estimate FROM requests WHERE run_id = ? AND phase = 'measure'""").param(runId(execution))
                .query().listOfRows();
        assertThat(rows).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("chunk_count")).isEqualTo(1);
            assertThat(r.get("output_tokens")).isEqualTo(3);
            assertThat(r.get("tokens_source")).isEqualTo("tokenizer");
            assertThat(r.get("prompt_tokens")).isEqualTo(4);
            assertThat(r.get("prompt_tokens_source")).isEqualTo("tokenizer");
            assertThat(r.get("output_tokens_estimate")).isEqualTo(3); // "one two three": 13 characters / 4
        });
    }

    @Test
    void theShippedSyntheticDemoRunsOnTheBuiltInSimulatedEndpointWithItsTokenizer() throws Exception {
        JobExecution execution = launch(Path.of("jobs/synthetic-demo.yaml"));

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        List<Map<String, Object>> rows = jdbc.sql("""
                SELECT model_alias, source, requests, reached_share, length_sources, target_input_mean, input_mean
                FROM output_lengths WHERE run_id = ? ORDER BY model_alias, source""").param(runId).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("model_alias") + "/" + r.get("source"))
                .containsExactly("sim-fast/long-in", "sim-fast/mixed");
        // with ignore_eos the simulated models write every token asked for; without it, they may stop first
        assertThat(rows.get(0).get("reached_share")).isEqualTo(1.0);
        assertThat((Double) rows.get(1).get("reached_share")).isLessThan(1.0);
        assertThat(rows.get(0).get("length_sources")).isEqualTo("tokenizer:sim-fast");
        // one token per word on the simulated endpoint: the fit is exact
        assertThat(rows.get(0).get("input_mean")).isEqualTo(rows.get(0).get("target_input_mean"));
        assertThat(rows.get(1).get("length_sources")).isEqualTo("tokenizer:cl100k_base");
        assertThat(count("SELECT count(*) FROM run_prompt_sources WHERE run_id = ? AND kind = 'synthetic'", runId))
                .isEqualTo(2);
    }
}
