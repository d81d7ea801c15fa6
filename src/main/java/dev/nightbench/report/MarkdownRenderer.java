package dev.nightbench.report;

import dev.nightbench.report.ReportDocument.Block;
import dev.nightbench.report.ReportDocument.Span;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders a {@link ReportDocument} as GitHub-flavoured Markdown. Text is escaped so that no string, however
 * hostile, adds markup: {@code & < >} become entities (no raw HTML reaches a renderer), Markdown punctuation is
 * backslash-escaped, {@code |} cannot split a table cell and line breaks cannot end a block.
 */
final class MarkdownRenderer {

    private static final Pattern BLOCK_START = Pattern.compile("^(\\s*)([-+=]|\\d+[.)])");

    private MarkdownRenderer() {
    }

    /**
     * @param imagePrefix prepended to image file names, e.g. {@code "2026-11-22_42/"} for {@code reports/latest.md}
     */
    static String render(ReportDocument doc, String imagePrefix) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(escape(doc.title(), false)).append("\n\n");
        blocks(md, doc.blocks(), imagePrefix);
        return md.toString();
    }

    private static void blocks(StringBuilder md, List<Block> blocks, String imagePrefix) {
        for (Block block : blocks) {
            switch (block) {
                case ReportDocument.Heading h -> md.append("#".repeat(h.level())).append(' ')
                        .append(escape(h.text(), false)).append("\n\n");
                case ReportDocument.Paragraph p -> md.append(lineStart(spans(p.spans(), false))).append("\n\n");
                case ReportDocument.Note n -> md.append("> ").append(lineStart(spans(n.spans(), false))).append("\n\n");
                case ReportDocument.Bullets b -> {
                    for (List<Span> item : b.items()) {
                        md.append("- ").append(lineStart(spans(item, false))).append('\n');
                    }
                    md.append('\n');
                }
                case ReportDocument.Table t -> table(md, t);
                case ReportDocument.Image i -> md.append("![").append(escape(i.alt(), false)).append("](")
                        .append(imagePrefix).append(i.fileName()).append(")\n\n");
                case ReportDocument.Quote q -> quote(md, q);
                case ReportDocument.Details d -> {
                    md.append("**").append(escape(d.summary(), false)).append("**\n\n");
                    blocks(md, d.blocks(), imagePrefix);
                }
            }
        }
    }

    private static void table(StringBuilder md, ReportDocument.Table t) {
        md.append('|');
        for (String h : t.header()) {
            md.append(escape(h, true)).append('|');
        }
        md.append("\n|");
        for (boolean numeric : t.numeric()) {
            md.append(numeric ? "---:" : "---").append('|');
        }
        md.append('\n');
        for (List<List<Span>> row : t.rows()) {
            md.append('|');
            for (List<Span> cell : row) {
                md.append(spans(cell, true)).append('|');
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** Each line of the answer as an escaped blockquote line, joined by hard line breaks (a trailing backslash). */
    private static void quote(StringBuilder md, ReportDocument.Quote q) {
        md.append("**").append(escape(q.caption(), false)).append("**\n\n");
        String[] lines = q.text().replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lineStart(escape(lines[i].strip(), false));
            md.append("> ").append(line);
            md.append(i < lines.length - 1 && !line.isEmpty() ? "\\\n" : "\n");
        }
        md.append('\n');
    }

    private static String spans(List<Span> spans, boolean inTable) {
        StringBuilder b = new StringBuilder();
        for (Span s : spans) {
            switch (s.style()) {
                case PLAIN -> b.append(escape(s.text(), inTable));
                case STRONG, BAD, GOOD -> {
                    // "** x**" is no emphasis in CommonMark: surrounding spaces go outside the markers
                    String t = s.text();
                    String core = t.strip();
                    if (core.isEmpty()) {
                        b.append(escape(t, inTable));
                    } else {
                        int start = t.indexOf(core);
                        b.append(t, 0, start).append("**").append(escape(core, inTable)).append("**")
                                .append(t.substring(start + core.length()));
                    }
                }
                case CODE -> b.append(codeSpan(s.text(), inTable));
            }
        }
        return b.toString();
    }

    /** A code span whose fence is longer than any run of backticks inside it. */
    static String codeSpan(String text, boolean inTable) {
        String t = text.replace('\r', ' ').replace('\n', ' ');
        int longest = 0;
        int run = 0;
        for (char c : t.toCharArray()) {
            run = c == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        String pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
        if (inTable) {
            t = t.replace("|", "\\|");
        }
        return fence + pad + t + pad + fence;
    }

    /** Escapes text so it renders literally in a paragraph, heading or (with {@code inTable}) a table cell. */
    static String escape(String s, boolean inTable) {
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
                case '\\', '`', '*', '[', ']', '~', '|', '#', '!' -> b.append('\\').append(c);
                case '_' -> {
                    boolean intraword = i > 0 && i < s.length() - 1 && Character.isLetterOrDigit(s.charAt(i - 1))
                            && Character.isLetterOrDigit(s.charAt(i + 1));
                    b.append(intraword ? "_" : "\\_");
                }
                case '\r', '\n' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Keeps a line from opening a list, a heading underline or a thematic break. */
    private static String lineStart(String line) {
        var m = BLOCK_START.matcher(line);
        if (!m.find()) {
            return line;
        }
        String marker = m.group(2);
        String escaped = marker.length() == 1 ? "\\" + marker
                : marker.substring(0, marker.length() - 1) + "\\" + marker.charAt(marker.length() - 1);
        return m.group(1) + escaped + line.substring(m.end());
    }
}
