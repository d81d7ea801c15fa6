package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jobs/demo-gguf.yaml} through the whole job on a real PostgreSQL: both shared GGUF models run in-process by
 * llama.cpp, each loaded once before its warm-up (run_models.load_ms), with a cold start and every timing figure, and
 * its load cells sending from several threads at once.
 */
class GgufJobTest extends JobTestSupport {

    static final Path MODELS = Path.of("../shared/models");

    @Test
    void theGgufDemoRunsBothModelsInProcess() throws Exception {
        assumeSharedModels();

        JobExecution e = launch(Path.of("jobs/demo-gguf.yaml"));

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(e);
        List<Map<String, Object>> models = jdbc.sql("""
                        SELECT model_alias, endpoint_type, load_ms, load_note, cold_start_ms, availability FROM run_models
                        WHERE run_id = ? ORDER BY model_alias""").param(runId).query().listOfRows();
        assertThat(models).extracting(m -> m.get("model_alias")).containsExactly("stories260K", "tiny-random");
        for (Map<String, Object> m : models) {
            assertThat(m.get("endpoint_type")).isEqualTo("gguf");
            assertThat((Double) m.get("load_ms")).as("load_ms of %s", m).isPositive();
            assertThat(m.get("load_note")).as("load_note of %s", m).isNull();
            assertThat((Double) m.get("cold_start_ms")).as("cold_start_ms of %s", m).isPositive();
        }
        // 2 models x 2 prompts x 3 rounds, then 2 models x 2 load levels x 8 requests from several threads at once,
        // every one ok with every figure
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND phase = 'measure' AND status = 'ok'",
                runId)).isEqualTo(12 + 32);
        assertThat(count("SELECT count(*) FROM load_phases WHERE run_id = ?", runId)).isEqualTo(4);
        assertThat(count("""
                SELECT count(*) FROM requests WHERE run_id = ? AND status = 'ok' AND (ttft_ms IS NULL OR tpot_ms IS NULL
                    OR decode_tps IS NULL OR output_tokens IS NULL OR prompt_tokens IS NULL)""", runId)).isZero();
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND status <> 'ok'", runId)).isZero();
        // temperature 0: the same answer every round (the latency cells; batched with others, llama.cpp's kernels may
        // differ in the last bits)
        assertThat(count("""
                SELECT count(*) FROM (SELECT model_alias, prompt_id FROM requests r JOIN answers a USING (request_id)
                    WHERE r.run_id = ? AND phase = 'measure' AND r.cell_index NOT IN
                        (SELECT cell_index FROM load_phases l WHERE l.run_id = r.run_id)
                    GROUP BY 1, 2 HAVING count(DISTINCT a.text) > 1) x""",
                runId)).isZero();

        // the same plan again in this process, as serve's schedule would run it the next night: the models stay
        // loaded (LoadedModels: the binding frees almost nothing on close), so nothing is loaded and the run says so;
        // the run itself is measured as before
        JobExecution again = launch(Path.of("jobs/demo-gguf.yaml"));
        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long second = runId(again);
        List<Map<String, Object>> reused = jdbc.sql("""
                        SELECT model_alias, load_ms, load_note, cold_start_ms FROM run_models WHERE run_id = ?
                        ORDER BY model_alias""").param(second).query().listOfRows();
        for (Map<String, Object> m : reused) {
            assertThat(m.get("load_ms")).as("load_ms of %s", m).isNull();
            assertThat((String) m.get("load_note")).as("load_note of %s", m)
                    .startsWith("already loaded in this process since ");
            assertThat((Double) m.get("cold_start_ms")).as("cold_start_ms of %s", m).isPositive();
        }
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND phase = 'measure' AND status = 'ok'",
                second)).isEqualTo(12 + 32);
        String report = Files.readString(reports.resolve("latest.md"));
        assertThat(report).contains("model load time: stories260K already loaded in this process since ");
        // both runs identify the weights by the files' content
        for (long run : List.of(runId, second)) {
            assertThat(jdbc.sql("SELECT model_sha256 FROM run_models WHERE run_id = ? ORDER BY model_alias").param(run)
                    .query(String.class).list())
                    .containsExactly(sha256(MODELS.resolve("stories260K.gguf")),
                            sha256(MODELS.resolve("llama-2-tiny-random.gguf")));
        }
    }

    @Test
    void aWeightsFileReplacedUnderTheSamePathIsLoadedAnewAndTheReportSaysItChanged(@TempDir Path dir) throws Exception {
        assumeSharedModels();
        Path model = Files.copy(MODELS.resolve("stories260K.gguf"), dir.resolve("m.gguf"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: gguf-replaced
                endpoints:
                  - { name: local, type: gguf, settings: { threads: 1, context_size: 512 } }
                models:
                  - { alias: m, model: m.gguf }
                prompts:
                  - { id: once, text: "Once upon a time" }
                run: { warmup: 1, rounds: 2, max_tokens: 8, temperature: 0, seed: 42 }
                """);
        long first = runId(launch(plan));
        String before = sha256(model);
        // another model's weights under the same path (and the same plan text): a re-quantised or re-downloaded file
        Files.copy(MODELS.resolve("llama-2-tiny-random.gguf"), model, StandardCopyOption.REPLACE_EXISTING);
        JobExecution e = launch(plan);

        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long second = runId(e);
        Map<String, Object> now = jdbc.sql("SELECT load_ms, load_note, model_sha256 FROM run_models WHERE run_id = ?")
                .param(second).query().singleRow();
        assertThat((Double) now.get("load_ms")).as("the new file is loaded, not the old model reused").isPositive();
        assertThat(now.get("load_note")).isNull();
        assertThat(now.get("model_sha256")).isEqualTo(sha256(model)).isNotEqualTo(before);
        assertThat(jdbc.sql("SELECT model_sha256 FROM run_models WHERE run_id = ?").param(first).query(String.class)
                .single()).isEqualTo(before);
        assertThat(Files.readString(reports.resolve("latest.md")))
                .contains("models whose weights file changed (still compared): m: m.gguf (sha256 "
                        + sha256(model).substring(0, 12) + " now, was " + before.substring(0, 12) + ")");
    }

    @Test
    void aRestartAfterTheWeightsFileChangedSkipsTheModelWithTheReasonInsteadOfMixingTwoModels(@TempDir Path dir)
            throws Exception {
        assumeSharedModels();
        Path model = Files.copy(MODELS.resolve("stories260K.gguf"), dir.resolve("m.gguf"));
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                name: gguf-restart
                endpoints:
                  - { name: local, type: gguf, settings: { threads: 1, context_size: 256 } }
                models:
                  - { alias: m, model: m.gguf }
                prompts:
                  - { id: a, text: "Once upon a time" }
                  - { id: b, text: "The dog" }
                run: { warmup: 1, rounds: 2, max_tokens: 8, temperature: 0, seed: 42 }
                """);
        // the second measure cell's first insert fails once: the job stops there, as a lost database connection would
        jdbc.sql("""
                CREATE SEQUENCE gguf_fault_once;
                CREATE FUNCTION gguf_fail_cell_one() RETURNS trigger AS $$
                BEGIN
                  IF NEW.phase = 'measure' AND NEW.cell_index = 1 AND nextval('gguf_fault_once') = 1 THEN
                    RAISE EXCEPTION 'injected storage fault';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER gguf_fail_cell_one BEFORE INSERT ON requests FOR EACH ROW
                    EXECUTE FUNCTION gguf_fail_cell_one();
                """).update();
        try {
            JobExecution first = launch(plan);
            assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
            long runId = runId(first);
            String then = sha256(model);
            assertThat(jdbc.sql("SELECT model_sha256 FROM run_models WHERE run_id = ?").param(runId)
                    .query(String.class).single()).isEqualTo(then);

            Files.copy(MODELS.resolve("llama-2-tiny-random.gguf"), model, StandardCopyOption.REPLACE_EXISTING);
            JobExecution second = jobOperator.restart(first);

            assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            Map<String, Object> m = jdbc.sql("SELECT availability, failure_reason, model_sha256 FROM run_models"
                    + " WHERE run_id = ?").param(runId).query().singleRow();
            assertThat(m.get("availability")).isEqualTo("failed");
            assertThat((String) m.get("failure_reason")).contains("its weights file m.gguf changed since this run began"
                    + " (sha256 " + then.substring(0, 12) + " then, " + sha256(model).substring(0, 12) + " now)");
            assertThat(m.get("model_sha256")).as("the run keeps the file it measured").isEqualTo(then);
            // the first cell's answers are the old file's; nothing was measured on the new one
            assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND phase = 'measure' AND status = 'ok'",
                    runId)).isEqualTo(2);
            assertThat(count("""
                    SELECT count(*) FROM requests WHERE run_id = ? AND phase = 'measure' AND cell_index = 1
                        AND status <> 'skipped'""", runId)).isZero();
        } finally {
            jdbc.sql("DROP TRIGGER gguf_fail_cell_one ON requests; DROP FUNCTION gguf_fail_cell_one();"
                    + " DROP SEQUENCE gguf_fault_once").update();
        }
    }

    static void assumeSharedModels() {
        assumeTrue(Files.isReadable(MODELS.resolve("stories260K.gguf"))
                        && Files.isReadable(MODELS.resolve("llama-2-tiny-random.gguf")),
                "the shared GGUF models are not at " + MODELS.toAbsolutePath().normalize());
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
