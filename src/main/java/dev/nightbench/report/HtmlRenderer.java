package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Block;
import dev.nightbench.report.ReportDocument.Span;

import java.util.Base64;
import java.util.List;

/**
 * Renders a {@link ReportDocument} as one self-contained HTML file: inline CSS, charts as base64 PNG data URIs,
 * no script and no external resource, so it opens offline and from a mail attachment. Every string is
 * HTML-escaped; a Content-Security-Policy forbids scripts besides, should escaping ever be bypassed.
 */
final class HtmlRenderer {

    private static final String CSS = """
            :root { color-scheme: light; }
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #1f2328; margin: 0 auto; padding: 24px 32px; max-width: 1400px; }
            h1 { font-size: 24px; margin: 0 0 16px; }
            h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
            h3 { font-size: 16px; margin: 20px 0 8px; }
            table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
            th { background: #f6f8fa; text-align: left; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.num { white-space: nowrap; }
            tr:nth-child(even) td { background: #fbfcfd; }
            code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
                   background: #f3f4f6; padding: 1px 4px; border-radius: 4px; }
            .note { border-left: 4px solid #54aeff; background: #ddf4ff; padding: 8px 12px; margin: 12px 0; }
            .note.warning { border-left-color: #d4a72c; background: #fff8c5; }
            .bad { color: #b3261e; font-weight: 600; }
            .good { color: #1a7f37; font-weight: 600; }
            td:first-child { white-space: nowrap; }
            .scroll { overflow-x: auto; max-width: 100%; }
            figure { margin: 8px 0 20px; }
            figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
            figcaption { color: #59636e; font-size: 12px; }
            .answer { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; border: 1px solid #d0d7de;
                      border-radius: 6px; padding: 8px 12px; margin: 4px 0 16px;
                      font: 12px/1.5 ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
            .caption { font-weight: 600; margin-top: 12px; }
            details { margin: 8px 0 16px; color: #3d444d; }
            summary { cursor: pointer; color: #59636e; font-weight: 600; }
            """;

    private HtmlRenderer() {
    }

    static String render(ReportDocument doc) {
        return render(doc, null);
    }

    /**
     * With {@code banner}, trusted HTML made by the caller (the dashboard's navigation, built from escaped text),
     * first in the body; the page's policy still forbids scripts and outside resources.
     */
    static String render(ReportDocument doc, String banner) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(doc.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n").append(banner == null ? "" : banner + "\n")
                .append("<h1>").append(escape(doc.title())).append("</h1>\n");
        blocks(h, doc.blocks());
        return h.append("</body>\n</html>\n").toString();
    }

    private static void blocks(StringBuilder h, List<Block> blocks) {
        for (Block block : blocks) {
            switch (block) {
                case ReportDocument.Heading head -> h.append("<h").append(head.level()).append('>')
                        .append(escape(head.text())).append("</h").append(head.level()).append(">\n");
                case ReportDocument.Paragraph p -> h.append("<p>").append(spans(p.spans())).append("</p>\n");
                case ReportDocument.Note n -> h.append("<div class=\"note").append(n.warning() ? " warning" : "")
                        .append("\">").append(spans(n.spans())).append("</div>\n");
                case ReportDocument.Bullets b -> {
                    h.append("<ul>\n");
                    for (List<Span> item : b.items()) {
                        h.append("<li>").append(spans(item)).append("</li>\n");
                    }
                    h.append("</ul>\n");
                }
                case ReportDocument.Table t -> table(h, t);
                case ReportDocument.Image i -> h.append("<figure><img alt=\"").append(escape(i.alt()))
                        .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(i.png()))
                        .append("\"><figcaption>").append(escape(i.alt())).append("</figcaption></figure>\n");
                case ReportDocument.Quote q -> h.append("<div class=\"caption\">").append(escape(q.caption()))
                        .append("</div>\n<div class=\"answer\">").append(escape(q.text())).append("</div>\n");
                case ReportDocument.Details d -> {
                    h.append("<details><summary>").append(escape(d.summary())).append("</summary>\n");
                    blocks(h, d.blocks());
                    h.append("</details>\n");
                }
            }
        }
    }

    private static void table(StringBuilder h, ReportDocument.Table t) {
        h.append("<div class=\"scroll\"><table>\n");
        if (t.header().stream().anyMatch(head -> !head.isBlank())) { // a key-value table has no header to show
            h.append("<thead><tr>");
            for (int c = 0; c < t.header().size(); c++) {
                h.append(t.numeric().get(c) ? "<th class=\"num\">" : "<th>").append(escape(t.header().get(c)))
                        .append("</th>");
            }
            h.append("</tr></thead>\n");
        }
        h.append("<tbody>\n");
        for (List<List<Span>> row : t.rows()) {
            h.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                h.append(t.numeric().get(c) ? "<td class=\"num\">" : "<td>").append(spans(row.get(c))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static String spans(List<Span> spans) {
        StringBuilder b = new StringBuilder();
        for (Span s : spans) {
            String t = escape(s.text());
            switch (s.style()) {
                case PLAIN -> b.append(t);
                case STRONG -> b.append("<strong>").append(t).append("</strong>");
                case CODE -> b.append("<code>").append(t).append("</code>");
                case BAD -> b.append("<span class=\"bad\">").append(t).append("</span>");
                case GOOD -> b.append("<span class=\"good\">").append(t).append("</span>");
            }
        }
        return b.toString();
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' '); // control characters are not allowed in HTML text
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
