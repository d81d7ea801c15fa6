package dev.nightbench.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a run's report under {@code reports/<run-date>_<run-id>/}: {@code report.md}, {@code summary.csv}
 * and {@code requests.csv}, and copies the Markdown to {@code reports/latest.md}. Any run's report can be
 * regenerated from the database at any time.
 */
@Service
public class ReportService {

    private static final Logger log = LoggerFactory.getLogger(ReportService.class);

    static final List<String> REQUEST_COLUMNS = List.of("run_id", "phase", "cell_index", "request_index", "attempt",
            "is_final", "model_alias", "prompt_id", "round", "load_mode", "load_level", "status", "error_type",
            "error_message", "http_status", "started_at", "streamed", "simulated", "prep_ms", "ttft_ms", "ttfo_ms",
            "e2e_ms", "total_ms", "prompt_tokens", "output_tokens", "tokens_source", "output_tokens_estimate",
            "tokens_diff_pct", "tpot_ms", "decode_tps", "e2e_tps", "chunk_count", "gap_mean_ms", "gap_p50_ms",
            "gap_p95_ms", "gap_max_ms", "finish_reason");

    private final ReportRepository repository;
    private final Path reportsDir;

    ReportService(ReportRepository repository, @Value("${nightbench.reports-dir:reports}") Path reportsDir) {
        this.repository = repository;
        this.reportsDir = reportsDir;
    }

    /** Writes the run's report; returns its directory. */
    public Path write(long runId) {
        ReportData data = repository.load(runId);
        Path dir = reportsDir.resolve(data.run().runDate() + "_" + runId).toAbsolutePath().normalize();
        if (!dir.startsWith(reportsDir.toAbsolutePath().normalize())) {
            throw new IllegalStateException("report directory escapes " + reportsDir + ": " + dir);
        }
        try {
            Files.createDirectories(dir);
            String markdown = MarkdownReport.render(data);
            Files.writeString(dir.resolve("report.md"), markdown, StandardCharsets.UTF_8);
            writeSummaryCsv(data, dir.resolve("summary.csv"));
            writeRequestsCsv(runId, dir.resolve("requests.csv"));
            Files.copy(dir.resolve("report.md"), reportsDir.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir, e);
        }
        log.info("Report written to {}", dir);
        return dir;
    }

    private static void writeSummaryCsv(ReportData data, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader("run_id", "model_alias", "prompt_id", "load_mode",
                "load_level", "requests", "ok_requests", "success_rate", "e2e_ms_mean", "e2e_ms_p50", "e2e_ms_p95",
                "ttft_ms_p50", "ttft_ms_p95", "tpot_ms_p50", "decode_tps_p50", "e2e_tps_mean", "prompt_tokens",
                "output_tokens", "cost_estimate", "cold_start_ms", "availability", "simulated").get();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            for (List<ReportData.ModelRow> rows : List.of(data.models(), data.prompts())) {
                for (ReportData.ModelRow r : rows) {
                    csv.printRecord(data.run().runId(), r.modelAlias(), r.promptId(), r.loadMode(), r.loadLevel(),
                            r.requests(), r.okRequests(), r.successRate(), r.e2eMsMean(), r.e2eMsP50(), r.e2eMsP95(),
                            r.ttftMsP50(), r.ttftMsP95(), r.tpotMsP50(), r.decodeTpsP50(), r.e2eTpsMean(),
                            r.promptTokens(), r.outputTokens(), r.costEstimate(), r.coldStartMs(), r.availability(),
                            data.run().simulated());
                }
            }
        }
    }

    private void writeRequestsCsv(long runId, Path file) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(REQUEST_COLUMNS.toArray(String[]::new)).get();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            repository.requests(runId, REQUEST_COLUMNS, row -> {
                try {
                    csv.printRecord(row);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
