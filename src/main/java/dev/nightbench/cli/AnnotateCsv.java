package dev.nightbench.cli;

import dev.nightbench.store.AnnotationStore.RunCriterion;
import dev.nightbench.store.AnnotationStore.ScorableAnswer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The annotation file of {@code nightbench annotate}: one CSV row per scorable answer, columns {@link #FIXED}, one
 * per criterion of the run's rubric (left empty to be filled with whole scores 1-5; {@link #NOT_APPLICABLE} where the
 * criterion is scored only on answers to prompts with context and this answer's prompt has none), then
 * {@link #RATER}. RFC 4180 (commons-csv's default format), UTF-8; a spreadsheet's byte order mark is ignored on
 * reading.
 */
final class AnnotateCsv {

    static final String REQUEST_ID = "request_id";
    static final String MODEL = "model";
    static final String PROMPT_ID = "prompt_id";
    static final String PROMPT = "prompt";
    static final String ANSWER = "answer";
    static final String RATER = "rater";

    /** The columns before the criteria, in order. */
    static final List<String> FIXED = List.of(REQUEST_ID, MODEL, PROMPT_ID, PROMPT, ANSWER);

    /** The columns an imported file must have (prompt and answer may be dropped: they are only there to read). */
    static final List<String> REQUIRED = List.of(REQUEST_ID, MODEL, PROMPT_ID);

    /** A criterion that does not apply to the answer; on import the same as an empty cell: no score. */
    static final String NOT_APPLICABLE = "n/a";

    private AnnotateCsv() {
    }

    /** Writes the header and one row per answer. */
    static void write(Appendable out, List<RunCriterion> criteria, List<ScorableAnswer> answers) throws IOException {
        List<String> header = new ArrayList<>(FIXED);
        criteria.forEach(c -> header.add(c.name()));
        header.add(RATER);
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader(header.toArray(String[]::new)).get())) {
            for (ScorableAnswer a : answers) {
                List<String> row = new ArrayList<>(List.of(Long.toString(a.requestId()), a.modelAlias(), a.promptId(),
                        a.prompt(), a.answer()));
                criteria.forEach(c -> row.add(c.contextOnly() && !a.context() ? NOT_APPLICABLE : ""));
                row.add("");
                csv.printRecord(row);
            }
        }
    }

    /**
     * One data row of a read file.
     *
     * @param line   the line its record starts on (1 is the header)
     * @param values cell by column name; a column missing at the end of a short row is absent
     * @param extra  how many values the row has beyond the header's columns
     */
    record Row(long line, Map<String, String> values, int extra) {

        String get(String column) {
            return values.getOrDefault(column, "");
        }
    }

    /**
     * A read file.
     *
     * @param header the column names in order
     * @param rows   the data rows, blank lines left out
     */
    record Table(List<String> header, List<Row> rows) {
    }

    /** Thrown for a file that is not CSV at all; the message starts with the line it happened on. */
    static final class MalformedException extends Exception {
        private final long line;

        MalformedException(long line, String message) {
            super(message);
            this.line = line;
        }

        long line() {
            return line;
        }
    }

    /** Reads {@code text}; blank lines are skipped, every row keeps the line number it starts on. */
    static Table read(String text) throws MalformedException {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(false) // counted as rows (then skipped here) so that line numbers stay exact
                .setAllowMissingColumnNames(true).get();
        long line = 1;
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                throw new MalformedException(1, "no header line (expected " + String.join(",", REQUIRED) + ",...)");
            }
            List<Row> rows = new ArrayList<>();
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                line = parser.getCurrentLineNumber() + 1;
                if (!records.hasNext()) {
                    break;
                }
                CSVRecord record = records.next();
                if (record.stream().allMatch(String::isBlank)) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(header.size(), record.size()); i++) {
                    values.putIfAbsent(header.get(i), record.get(i));
                }
                rows.add(new Row(line, values, Math.max(0, record.size() - header.size())));
            }
            return new Table(List.copyOf(header), List.copyOf(rows));
        } catch (IOException | UncheckedIOException e) {
            throw new MalformedException(line, "not valid CSV: " + e.getMessage());
        } catch (IllegalArgumentException e) { // commons-csv's duplicate column names
            throw new MalformedException(1, e.getMessage());
        }
    }
}
