package dev.nightbench.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code quality.csv}, written beside summary.csv for a run with checks or a judge: one row per figure, long format,
 * so a spreadsheet or pandas reads pass rates and judge scores without knowing the rubric in advance. Rows: the check
 * pass rate per model ({@code prompt_id} *) and per model x prompt, with its 95 % Wilson interval; the mean judge
 * score per model and per model x prompt and criterion, with its 95 % t interval. The same figures as the report's
 * Quality section and the {@code model_quality}, {@code prompt_quality}, {@code model_scores} and
 * {@code prompt_scores} views.
 */
final class QualityCsv {

    static final List<String> COLUMNS = List.of("run_id", "model_alias", "prompt_id", "metric", "criterion", "n",
            "passes", "value", "ci95_low", "ci95_high");

    private QualityCsv() {
    }

    /** Writes the file when the run has checks or judge scores; otherwise writes nothing and returns false. */
    static boolean write(long runId, QualityData quality, Path file) throws IOException {
        if (!quality.any()) {
            return false;
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(COLUMNS.toArray(String[]::new)).get();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, format)) {
            for (List<QualityData.Rate> rates : List.of(quality.models(), quality.prompts())) {
                for (QualityData.Rate r : rates) {
                    csv.printRecord(runId, r.modelAlias(), r.promptId() == null ? SampleSet.ALL_PROMPTS : r.promptId(),
                            "check_pass_rate", null, r.n(), r.passes(), r.passRate(), r.wilsonLow(), r.wilsonHigh());
                }
            }
            for (List<JudgeData.Score> scores : List.of(quality.judge().models(), quality.judge().prompts())) {
                for (JudgeData.Score s : scores) {
                    csv.printRecord(runId, s.modelAlias(), s.promptId() == null ? SampleSet.ALL_PROMPTS : s.promptId(),
                            "judge_score", s.criterion(), s.n(), null, s.mean(), s.ciLow(), s.ciHigh());
                }
            }
        }
        return true;
    }
}
