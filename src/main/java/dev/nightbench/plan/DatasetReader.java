package dev.nightbench.plan;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams one dataset file record by record, never holding more than one record: JSONL line by line, a ShareGPT JSON
 * array element by element through a {@link JsonParser}, CSV through commons-csv's record iteration. The file's
 * SHA-256 is taken from the same bytes in the same pass. Each record is checked (its text present, its id usable) and
 * handed on as a {@link Record}; a bad record is a problem naming the dataset file and the record's line.
 */
final class DatasetReader {

    /** Record problems reported per file; the rest are counted in one last problem. */
    static final int MAX_RECORD_PROBLEMS = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> HUMAN = Set.of("human", "user");
    private static final Set<String> GPT = Set.of("gpt", "assistant", "chatgpt", "bing", "bard", "model");

    /**
     * One record as a prompt (or, ShareGPT with {@code turns: all}, a conversation's human turns).
     *
     * @param number   1-based record number in the file
     * @param line     the line the record starts on
     * @param id       the record's id: its id field's value, else {@code number}
     * @param turns    the prompt text; with {@code turns: all}, each human turn's text
     */
    record Record(long number, int line, String id, String system, List<String> turns, String expected,
                  List<String> context) {
    }

    /** @param records the records in the file (all read) */
    record Outcome(String sha256, long records) {
    }

    private final DatasetSpec spec;
    private final Problems problems;
    private final Consumer<Record> sink;
    private int recordProblems;
    private long records;

    private DatasetReader(DatasetSpec spec, Problems problems, Consumer<Record> sink) {
        this.spec = spec;
        this.problems = problems;
        this.sink = sink;
    }

    /**
     * Reads every record of the file into {@code sink}.
     *
     * @param plan where the plan names the file, for a problem with the file as a whole
     * @return the file's hash and record count, or null when the file or a record had problems (reported)
     */
    static Outcome read(DatasetSpec spec, Source plan, Problems problems, Consumer<Record> sink) {
        FieldPath at = FieldPath.of("prompts_from", spec.index(), "path");
        if (Files.isDirectory(spec.file())) {
            problems.add(plan, at, "'" + spec.path() + "' is a directory, not a dataset file");
            return null;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        DatasetReader reader = new DatasetReader(spec, problems, sink);
        try (InputStream in = new DigestInputStream(Files.newInputStream(spec.file()), sha)) {
            InputStream kept = new FilterInputStream(in) {
                @Override
                public void close() {
                    // the parsers close their input; the rest of the file is still to be hashed
                }
            };
            switch (spec.format()) {
                case JSONL -> reader.jsonl(kept);
                case SHAREGPT -> reader.sharegpt(kept);
                case CSV -> reader.csv(kept, plan);
            }
            in.transferTo(OutputStream.nullOutputStream()); // the hash covers the whole file
        } catch (NoSuchFileException e) {
            problems.add(plan, at, "cannot read '" + spec.path() + "' (" + spec.file().toAbsolutePath() + "): file not found");
            return null;
        } catch (AccessDeniedException e) {
            problems.add(plan, at, "cannot read '" + spec.path() + "': permission denied");
            return null;
        } catch (IOException | UncheckedIOException e) {
            problems.add(plan, at, "cannot read '" + spec.path() + "': " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
            return null;
        }
        if (reader.recordProblems > MAX_RECORD_PROBLEMS) {
            problems.add(new PlanProblem(spec.file(), null, null, (reader.recordProblems - MAX_RECORD_PROBLEMS)
                    + " more record problem(s) not listed"));
        }
        if (reader.recordProblems == 0 && reader.records == 0) {
            problems.add(plan, at, "'" + spec.path() + "' has no records");
        }
        return reader.recordProblems > 0 || reader.records == 0 ? null
                : new Outcome(HexFormat.of().formatHex(sha.digest()), reader.records);
    }

    // ---------------------------------------------------------------- formats

    private void jsonl(InputStream in) throws IOException {
        BufferedReader lines = utf8(in);
        int line = 0;
        String text;
        while (true) {
            try {
                text = lines.readLine();
            } catch (CharacterCodingException e) {
                problem(line + 1, null, "is not UTF-8 text");
                return;
            }
            if (text == null) {
                return;
            }
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            long number = ++records;
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JacksonException e) {
                problem(line, null, "bad JSON: " + Syntax.summary(e.getOriginalMessage() == null ? e.getMessage()
                        : e.getOriginalMessage()));
                continue;
            }
            if (!node.isObject()) {
                problem(line, null, "expected one JSON object per line, got " + node.getNodeType().name()
                        .toLowerCase(java.util.Locale.ROOT));
                continue;
            }
            fields(number, line, node);
        }
    }

    /** A JSONL object record: the prompt text and the optional fields, by dotted path. */
    private void fields(long number, int line, JsonNode node) {
        String text = string(line, node, spec.text(), true);
        String id = spec.id() == null ? Long.toString(number) : string(line, node, spec.id(), true);
        String system = string(line, node, spec.system(), false);
        String expected = string(line, node, spec.expected(), false);
        List<String> context = strings(line, node, spec.context());
        if (text != null && id != null && context != null) {
            accept(new Record(number, line, id, system, List.of(text), expected, context));
        }
    }

    private void sharegpt(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                problem(first == null ? null : p.currentTokenLocation().getLineNr(), null, "expected a JSON array of"
                        + " conversations [{\"id\": ..., \"conversations\": [{\"from\": \"human\", \"value\": ...}]}]"
                        + (first == null ? ", the file is empty" : ", got " + Syntax.describe(first)));
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                int line = p.currentTokenLocation().getLineNr();
                long number = ++records;
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    problem(line, null, "expected a conversation object, got " + Syntax.describe(t));
                    continue;
                }
                conversation(number, line, p.readValueAsTree());
            }
        } catch (JacksonException e) {
            problems.add(Syntax.problem(spec.file(), "JSON", e));
            recordProblems++;
        }
    }

    private void conversation(long number, int line, JsonNode node) {
        String idField = spec.id() == null ? "id" : spec.id();
        String id = spec.id() == null && field(node, idField) == null ? Long.toString(number)
                : string(line, node, idField, true);
        JsonNode turns = node.get("conversations");
        if (turns == null || !turns.isArray()) {
            problem(line, "conversations", "required: a list of turns {\"from\": \"human\" | \"gpt\" | \"system\","
                    + " \"value\": \"...\"}");
            return;
        }
        String system = null;
        List<String> human = new ArrayList<>();
        for (JsonNode turn : turns.values()) {
            String from = turn.path("from").asString("");
            String value = turn.path("value").isString() ? turn.path("value").stringValue() : null;
            if (value == null || !(HUMAN.contains(from) || GPT.contains(from) || from.equals("system"))) {
                problem(line, "conversations", "a turn is not {\"from\": \"human\" | \"gpt\" | \"system\", \"value\":"
                        + " \"text\"}: " + abbreviate(turn.toString()));
                return;
            }
            if (from.equals("system") && system == null && !value.isBlank()) {
                system = value;
            } else if (HUMAN.contains(from)) {
                if (value.isBlank()) {
                    problem(line, "conversations", "human turn " + (human.size() + 1) + " is empty");
                    return;
                }
                human.add(value);
            }
        }
        if (human.isEmpty()) {
            problem(line, "conversations", "has no human turn to send");
            return;
        }
        if (id != null) {
            accept(new Record(number, line, id, system, spec.allTurns() ? human : List.of(human.getFirst()), null,
                    List.of()));
        }
    }

    private void csv(InputStream in, Source plan) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).get();
        CSVParser opened;
        try {
            opened = CSVParser.parse(utf8(in), format);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            problem(1, null, "bad CSV header row: " + e.getMessage()); // a duplicate or empty column name
            return;
        }
        try (CSVParser csv = opened) {
            List<String> header = csv.getHeaderNames();
            List<String> missing = new ArrayList<>();
            for (String[] column : new String[][] {{"text", spec.text()}, {"id", spec.id()}, {"system", spec.system()},
                    {"expected", spec.expected()}, {"context", spec.context()}}) {
                if (column[1] != null && !header.contains(column[1])) {
                    missing.add(column[1]);
                    problems.add(plan, FieldPath.of("prompts_from", spec.index(), column[0]), "'" + spec.path()
                            + "' has no column '" + column[1] + "'; its header row: " + String.join(", ", header));
                }
            }
            if (!missing.isEmpty()) {
                recordProblems++;
                return;
            }
            Iterator<CSVRecord> it = csv.iterator();
            while (true) {
                int line = (int) csv.getCurrentLineNumber() + 1;
                CSVRecord r;
                try {
                    if (!it.hasNext()) {
                        return;
                    }
                    r = it.next();
                } catch (UncheckedIOException e) {
                    problem(line, null, "bad CSV: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
                    return;
                }
                long number = ++records;
                String text = cell(r, line, spec.text(), true);
                String id = spec.id() == null ? Long.toString(number) : cell(r, line, spec.id(), true);
                String context = cell(r, line, spec.context(), false);
                if (text != null && id != null) {
                    accept(new Record(number, line, id, cell(r, line, spec.system(), false), List.of(text),
                            cell(r, line, spec.expected(), false), context == null ? List.of() : List.of(context)));
                }
            }
        }
    }

    // ---------------------------------------------------------------- values

    private void accept(Record r) {
        String promptId = spec.name() + ":" + r.id() + (spec.allTurns() ? ".t" + r.turns().size() : "");
        if (!IdValidator.ID.matcher(promptId).matches()) {
            problem(r.line(), spec.id(), "id '" + abbreviate(r.id()) + "' does not make a usable prompt id ('"
                    + abbreviate(promptId) + "'): letters, digits, '.', '_', ':' and '-', at most 100 characters");
            return;
        }
        sink.accept(r);
    }

    private String cell(CSVRecord r, int line, String column, boolean required) {
        if (column == null) {
            return null;
        }
        String v = r.isSet(column) ? r.get(column) : null;
        if (v == null || v.isBlank()) {
            if (required) {
                problem(line, column, v == null ? "the record has too few columns" : "is empty");
            }
            return null;
        }
        return v;
    }

    private String string(int line, JsonNode node, String path, boolean required) {
        if (path == null) {
            return null;
        }
        JsonNode v = field(node, path);
        if (v == null || v.isNull()) {
            if (required) {
                problem(line, path, "the record has no field '" + path + "'");
            }
            return null;
        }
        if (v.isString()) {
            if (required && v.stringValue().isBlank()) {
                problem(line, path, "is empty");
                return null;
            }
            return v.stringValue().isBlank() ? null : v.stringValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asString();
        }
        problem(line, path, "expected text, got " + abbreviate(v.toString()));
        return null;
    }

    /** A context field: one document or a list of them; empty when the field is absent; null after a problem. */
    private List<String> strings(int line, JsonNode node, String path) {
        JsonNode v = path == null ? null : field(node, path);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isString()) {
            return v.stringValue().isBlank() ? List.of() : List.of(v.stringValue());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode d : v.isArray() ? v.values() : List.of(v)) {
            if (!d.isString()) {
                problem(line, path, "expected a document (text) or a list of them, got " + abbreviate(d.toString()));
                return null;
            }
            out.add(d.stringValue());
        }
        return out;
    }

    private void problem(Integer line, String field, String message) {
        if (++recordProblems <= MAX_RECORD_PROBLEMS) {
            problems.add(new PlanProblem(spec.file(), line, field, message + " (source '" + spec.name() + "')"));
        }
    }

    private static BufferedReader utf8(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    /** The value at a field path: the whole path as one key first, else its dot-separated names and list indexes. */
    static JsonNode field(JsonNode node, String path) {
        JsonNode whole = node.get(path);
        if (whole != null) {
            return whole;
        }
        JsonNode v = node;
        for (String name : path.split("\\.")) {
            if (v == null) {
                return null;
            }
            v = v.isArray() && name.matches("\\d{1,9}") ? v.get(Integer.parseInt(name)) : v.isObject() ? v.get(name) : null;
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
