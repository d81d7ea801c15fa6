package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quality section: only for plans with checks, rates with their intervals, failed checks with escaped answers. */
class QualityContentTest {

    private static final QualityData DATA = new QualityData(true,
            List.of(new QualityData.Rate("good", null, 10, 10, 1.0, 0.7225, 1.0, 5, 5),
                    new QualityData.Rate("bad|model", null, 4, 1, 0.25, 0.0456, 0.6994, 2, 0),
                    new QualityData.Rate("down", null, 0, 0, null, null, null, 0, 0)),
            List.of(new QualityData.Rate("bad|model", "p1", 4, 1, 0.25, 0.0456, 0.6994, 2, 0)),
            List.of(new QualityData.FailedCheck("bad|model", "p1", 1, 0, "contains 'Paris'",
                    "expected 'Paris', not found", "<script>alert(1)</script> | **bold**\n# heading")),
            3);

    private static ReportDocument render(QualityData data) {
        ReportDocument doc = new ReportDocument("t");
        QualityContent.quality(doc, data);
        return doc;
    }

    @Test
    void aRunWithoutChecksGetsNoSection() {
        assertThat(render(QualityData.NONE).blocks()).isEmpty();
    }

    @Test
    void passRatesComeWithTheirWilsonIntervalAndAModelWithoutCheckedAnswersSaysSo() {
        String md = MarkdownRenderer.render(render(DATA), "");

        assertThat(md).contains("## Quality")
                .contains("|good|10 / 10|100.0 %|72.3 % – 100.0 %|5 / 5|")
                .contains("|bad\\|model|1 / 4|25.0 %|4.6 % – 69.9 %|0 / 2|")
                .contains("|down|0 / 0|—|—|no answer checked|")
                .contains("|bad\\|model|p1|1 / 4|25.0 %|4.6 % – 69.9 %|0 / 2|")
                .contains("The first 1 of 3 failed checks");
    }

    @Test
    void theFailedAnswerIsEscapedInMarkdownAndHtml() {
        ReportDocument doc = render(DATA);

        String md = MarkdownRenderer.render(doc, "");
        String html = HtmlRenderer.render(doc);

        assertThat(md).contains("expected 'Paris', not found").doesNotContain("<script>")
                .contains("\\| \\*\\*bold\\*\\*");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("#0 contains &#39;Paris&#39;");
    }

    @Test
    void aRunWithAJudgeButNoChecksGetsTheJudgePartsOnly() {
        JudgeData judge = new JudgeData(true, new JudgeData.Judge("big", "local", "big-model", 2),
                List.of(new JudgeData.Criterion("factuality", "true to the facts", false),
                        new JudgeData.Criterion("grounded", "only from the context", true)),
                List.of(new JudgeData.Score("m|1", null, "factuality", 1, 3.0, null, null, null)),
                List.of(new JudgeData.Score("m|1", "p1", "factuality", 1, 3.0, null, null, null)),
                List.of(new JudgeData.Outcome("m|1", 2, 1, 1, 0, 90.0)),
                List.of(new JudgeData.LowScored("m|1", "p1", 1, 3.0, "factuality 3", "#1 [x](javascript:y)",
                        "a".repeat(130))),
                List.of(new JudgeData.Cell("m|1", "p1"), new JudgeData.Cell("m|1", "p2")));
        QualityData q = new QualityData(false, List.of(), List.of(), List.of(), 0, judge);

        String md = MarkdownRenderer.render(render(q), "");

        assertThat(md).contains("## Quality").doesNotContain("Answer checks").doesNotContain("Failed checks")
                .contains("Judge big-model on endpoint local (plan model big) scored the first 2 measured answers")
                .contains("grounded (only from the context; prompts with context only)")
                .contains("|m\\|1|3.00|1|—|0|") // n = 1: no interval; grounded: no score
                .contains("|m\\|1|2|1|1|0|90.0 ms|")
                .contains("|Model|Prompt|factuality mean (95 % CI)|grounded mean (95 % CI)|")
                .contains("|m\\|1|p1|3.00|—|").doesNotContain("|p2|") // a prompt without scores has no row
                .contains("|m\\|1|p1|1|3.00|factuality 3|\\#1 \\[x\\](javascript:y)|" + "a".repeat(120) + " …|");
    }

    @Test
    void noFailedCheckIsSaidInWords() {
        QualityData allGood = new QualityData(true, DATA.models().subList(0, 1), List.of(), List.of(), 0);

        assertThat(MarkdownRenderer.render(render(allGood), "")).contains("None: every checked answer passed every check.");
    }
}
