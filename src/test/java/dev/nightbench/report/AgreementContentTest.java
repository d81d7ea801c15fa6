package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Judge and human scores" section: only with pairs, figures per criterion, answers side by side, escaped. */
class AgreementContentTest {

    private static final AgreementContent.Agreement DATA = new AgreementContent.Agreement(7,
            List.of(new AgreementContent.CriterionAgreement("coherence",
                            ScoreAgreement.of(List.of(new int[] {1, 1}, new int[] {2, 2}, new int[] {5, 5}))),
                    new AgreementContent.CriterionAgreement("brevity",
                            ScoreAgreement.of(List.of(new int[] {4, 4}, new int[] {4, 4})))),
            List.of(new AgreementContent.AnswerScores("bad|model", "p1", 2, "alice",
                    "<script>alert(1)</script> | **bold**\n# heading", scores())),
            3, 1);

    private static Map<String, int[]> scores() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("coherence", new int[] {5, 2});
        return m;
    }

    @Test
    void noPairsNoSection() {
        ReportDocument doc = new ReportDocument("t");
        AgreementContent.insert(doc, AgreementContent.Agreement.NONE);
        assertThat(doc.blocks()).isEmpty();
    }

    @Test
    void figuresPerCriterionAndUndefinedOnesAsADash() {
        String md = MarkdownRenderer.render(doc(), "");

        assertThat(md).contains("## Judge and human scores")
                .contains("|coherence|3|2.67|2.67|1.00|1.00|")
                .contains("|brevity|2|4.00|4.00|—|—|")       // all 4s: kappa and rho undefined
                .contains("The 1 of 3 scored answers")
                .contains("score_agreement WHERE run_id = 7");
    }

    @Test
    void theSectionGoesBeforeTheTrendsAndTheAnswerIsEscaped() {
        ReportDocument doc = doc();
        assertThat(doc.blocks().get(1)).isEqualTo(new ReportDocument.Heading(2, AgreementContent.HEADING));
        assertThat(doc.blocks().getLast()).isEqualTo(new ReportDocument.Heading(2, "Trends"));

        String md = MarkdownRenderer.render(doc, "");
        String html = HtmlRenderer.render(doc);
        assertThat(md).contains("|bad\\|model|p1|2|alice|5 / 2|—|").doesNotContain("<script>")
                .contains("\\| \\*\\*bold\\*\\*");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    private static ReportDocument doc() {
        ReportDocument doc = new ReportDocument("t");
        doc.add(new ReportDocument.Heading(2, "Quality"));
        doc.add(new ReportDocument.Heading(2, "Trends"));
        AgreementContent.insert(doc, DATA);
        return doc;
    }
}
