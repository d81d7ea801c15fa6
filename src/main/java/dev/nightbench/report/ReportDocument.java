package dev.nightbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A report as a small tree of blocks, built once and rendered to Markdown and to HTML, so both files say the
 * same thing and escaping lives in the two renderers only. All text is plain text: a renderer escapes it for its
 * format, so model output and other untrusted strings (aliases, prompt ids, error messages) cannot inject markup.
 */
final class ReportDocument {

    enum Style { PLAIN, STRONG, CODE, BAD, GOOD }

    /** A run of text in one style. */
    record Span(String text, Style style) {
        Span {
            text = text == null ? "" : text;
        }
    }

    sealed interface Block permits Heading, Paragraph, Note, Table, Image, Quote, Bullets, Details {
    }

    record Heading(int level, String text) implements Block {
    }

    record Paragraph(List<Span> spans) implements Block {
    }

    /** A highlighted remark (Markdown blockquote); {@code warning} colours it in HTML. */
    record Note(List<Span> spans, boolean warning) implements Block {
    }

    /** A table; {@code numeric} right-aligns a column. Cells are lists of spans. */
    record Table(List<String> header, List<Boolean> numeric, List<List<List<Span>>> rows) implements Block {
    }

    /** A PNG shown inline: a file next to the Markdown, a data URI in the HTML. */
    record Image(String alt, String fileName, byte[] png) implements Block {
    }

    /** Preformatted untrusted text, line breaks kept (a model's answer). */
    record Quote(String caption, String text) implements Block {
    }

    record Bullets(List<List<Span>> items) implements Block {
    }

    /**
     * Explanations a reader needs once, not every morning (how a test decides, what a column means): collapsed under
     * {@code summary} in HTML, a bold line and the blocks in Markdown.
     */
    record Details(String summary, List<Block> blocks) implements Block {
        Details {
            blocks = List.copyOf(blocks);
        }
    }

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    ReportDocument(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    List<Block> blocks() {
        return blocks;
    }

    /**
     * Inserts a section's blocks before the "Trends" heading (the sections that sit between the per-run tables and
     * the trends: pipelines, model selection, judge and human scores), or at the end when there is none.
     */
    void insertBeforeTrends(List<Block> section) {
        int at = blocks.size();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i) instanceof Heading h && h.level() == 2 && h.text().equals("Trends")) {
                at = i;
                break;
            }
        }
        blocks.addAll(at, section);
    }

    ReportDocument add(Block block) {
        blocks.add(block);
        return this;
    }

    static Span text(String s) {
        return new Span(s, Style.PLAIN);
    }

    static Span strong(String s) {
        return new Span(s, Style.STRONG);
    }

    static Span code(String s) {
        return new Span(s, Style.CODE);
    }

    static List<Span> cell(String s) {
        return List.of(text(s));
    }

    /** A table under construction. */
    static final class TableBuilder {
        private final List<String> header = new ArrayList<>();
        private final List<Boolean> numeric = new ArrayList<>();
        private final List<List<List<Span>>> rows = new ArrayList<>();

        TableBuilder column(String name, boolean isNumeric) {
            header.add(name);
            numeric.add(isNumeric);
            return this;
        }

        TableBuilder text(String name) {
            return column(name, false);
        }

        TableBuilder number(String name) {
            return column(name, true);
        }

        /** Adds a row; each cell is a String (plain text), a Span or a List of Spans. */
        TableBuilder row(Object... cells) {
            if (cells.length != header.size()) {
                throw new IllegalArgumentException("row of " + cells.length + " cells in a table of " + header.size());
            }
            List<List<Span>> row = new ArrayList<>(cells.length);
            for (Object c : cells) {
                row.add(toSpans(c));
            }
            rows.add(row);
            return this;
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }

        Table build() {
            return new Table(List.copyOf(header), List.copyOf(numeric), List.copyOf(rows));
        }

        @SuppressWarnings("unchecked")
        private static List<Span> toSpans(Object c) {
            if (c == null) {
                return List.of();
            }
            if (c instanceof Span s) {
                return List.of(s);
            }
            if (c instanceof List<?> l) {
                return (List<Span>) l;
            }
            return List.of(ReportDocument.text(c.toString()));
        }
    }
}
