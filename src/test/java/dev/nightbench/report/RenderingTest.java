package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nightbench.report.ReportDocument.code;
import static dev.nightbench.report.ReportDocument.strong;
import static dev.nightbench.report.ReportDocument.text;
import static org.assertj.core.api.Assertions.assertThat;

/** Escaping in the two renderers: untrusted text never becomes markup. */
class RenderingTest {

    @Test
    void markdownEscapesHtmlAndMarkdownSyntaxButKeepsIdentifiersReadable() {
        assertThat(MarkdownRenderer.escape("<b>x</b> & *y* _z_ [a](b) `c` | #", false))
                .isEqualTo("&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\* \\_z\\_ \\[a\\](b) \\`c\\` \\| \\#");
        assertThat(MarkdownRenderer.escape("ttft_ms e2e_ms", false)).isEqualTo("ttft_ms e2e_ms");
        assertThat(MarkdownRenderer.escape("two\nlines", true)).isEqualTo("two lines");
    }

    @Test
    void aMarkdownCodeSpanOutgrowsTheBackticksInside() {
        assertThat(MarkdownRenderer.codeSpan("a `b` c", false)).isEqualTo("``a `b` c``");
        assertThat(MarkdownRenderer.codeSpan("a|b", true)).isEqualTo("`a\\|b`");
    }

    @Test
    void aTableCellCannotSplitAMarkdownRow() {
        ReportDocument doc = new ReportDocument("t");
        doc.add(new ReportDocument.TableBuilder().text("Model").text("Reason")
                .row("m|x", "HTTP 500\n|evil|row|").build());

        String md = MarkdownRenderer.render(doc, "");

        assertThat(md).contains("|m\\|x|HTTP 500 \\|evil\\|row\\||");
        assertThat(md.lines().filter(l -> l.startsWith("|m"))).hasSize(1);
    }

    @Test
    void aQuotedAnswerCannotOpenBlocksInMarkdown() {
        ReportDocument doc = new ReportDocument("t");
        doc.add(new ReportDocument.Quote("caption", "# title\n1. first\n---\n```\ncode"));

        assertThat(MarkdownRenderer.render(doc, "")).contains("> \\# title\\\n> 1\\. first\\\n> \\---\\\n> \\`\\`\\`\\\n> code\n");
    }

    @Test
    void strongTextKeepsItsSpacesOutsideTheMarkers() {
        ReportDocument doc = new ReportDocument("t");
        doc.add(new ReportDocument.Paragraph(List.of(strong("Baseline: "), text("run 1"))));

        assertThat(MarkdownRenderer.render(doc, "")).contains("**Baseline:** run 1");
    }

    @Test
    void htmlEscapesEveryStringIncludingTitlesAttributesAndCode() {
        ReportDocument doc = new ReportDocument("<script>t</script>");
        doc.add(new ReportDocument.Heading(2, "<img src=x onerror=alert(1)>"));
        doc.add(new ReportDocument.Paragraph(List.of(code("\"><script>"), text("'&"))));
        doc.add(new ReportDocument.Image("\" onload=\"alert(1)", "x.png", new byte[]{1, 2, 3}));

        String html = HtmlRenderer.render(doc);

        assertThat(html).doesNotContain("<script").doesNotContain("<img src=x")
                .contains("&lt;script&gt;t&lt;/script&gt;").contains("<code>&quot;&gt;&lt;script&gt;</code>&#39;&amp;")
                .contains("alt=\"&quot; onload=&quot;alert(1)\"").contains("src=\"data:image/png;base64,AQID\"");
    }

    @Test
    void chartFileNamesAreSafeForAnyAlias() {
        assertThat(TrendCharts.fileName(3, "llama3.2:1b/../../etc")).isEqualTo("trend-03-llama3.2_1b_.._.._etc.png");
    }
}
