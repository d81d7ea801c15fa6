package dev.nightbench.cli;

import dev.nightbench.report.ReportService;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.ResultsSchema;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nightbench report --format json RUN} through the real command line on the database a whole run of
 * {@code jobs/demo.yaml} wrote: stdout is the run's results.json and nothing else (valid against the schema, the same
 * bytes as the file in the run's report directory), the retries of the flaky model among its figures; an unknown
 * format is a usage error.
 */
@ExtendWith(SimTimeScale.class)
class ReportJsonCommandTest extends JobTestSupport {

    @Autowired
    ReportService reportService;

    @Value("${spring.datasource.url}")
    String url;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Cli cli() {
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("NIGHTBENCH_DB_URL", url, "NIGHTBENCH_DB_USER", "postgres")::get);
    }

    @Test
    void reportFormatJsonPrintsTheRunsResultsJsonAlone() throws Exception {
        JobExecution execution = launch(Path.of("jobs/demo.yaml"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);

        int exit = cli().execute(new String[]{"report", "--format", "json", String.valueOf(runId)});

        assertThat(exit).as(err.toString()).isEqualTo(Cli.OK);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).isEqualTo(Files.readString(ReportDirs.of(reports, "2026-11-22_" + runId).resolve("results.json")))
                .isEqualTo(reportService.resultsJson(runId));
        JsonNode doc = ResultsSchema.JSON.readTree(printed);
        assertThat(ResultsSchema.problems(doc)).isEmpty();
        assertThat(doc.get("run").get("run_id").asLong()).isEqualTo(runId);
        assertThat(doc.get("models")).hasSize(4);
        JsonNode flaky = doc.get("models").get(3);
        assertThat(flaky.get("model_alias").asString()).isEqualTo("sim-flaky");
        assertThat(flaky.get("capabilities").get(0).asString()).isEqualTo("chat");
        // retried attempts by error type add up to the retried attempts stored
        long[] retried = {0};
        flaky.get("retries").get("retries_by_error").forEach(n -> retried[0] += n.asLong());
        assertThat(retried[0]).isEqualTo(count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias ="
                + " 'sim-flaky' AND phase = 'measure' AND NOT is_final AND status <> 'skipped'"
                + " AND load_mode = 'serial'", runId));
        assertThat(flaky.get("retries").get("attempts").asLong()).isEqualTo(count("SELECT count(*) FROM requests"
                + " WHERE run_id = ? AND model_alias = 'sim-flaky' AND phase = 'measure' AND status <> 'skipped'"
                + " AND load_mode = 'serial'", runId));
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        int exit = cli().execute(new String[]{"report", "--format", "xml", "1"});

        assertThat(exit).isEqualTo(Cli.BAD_INPUT);
        assertThat(err.toString()).contains("--format must be json").contains("Usage: nightbench report [RUN_ID] [--baseline RUN] [--format json]");
        assertThat(out.toString()).isEmpty();
    }
}
