package dev.nightbench.run;

import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assumeTrue(Files.isReadable(MODELS.resolve("stories260K.gguf"))
                        && Files.isReadable(MODELS.resolve("llama-2-tiny-random.gguf")),
                "the shared GGUF models are not at " + MODELS.toAbsolutePath().normalize());

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
    }
}
