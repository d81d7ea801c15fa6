package dev.nightbench.plan;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and value in a document, found by one pass of the streaming parser.
 * Data binding keeps no locations, so validation asks this index instead; the pass also surfaces
 * syntax errors (thrown as {@link JacksonException}) before any binding is tried.
 */
final class LineIndex {

    private final Map<FieldPath, Integer> lines = new HashMap<>();
    private JsonToken rootToken;
    private Integer secondDocumentLine;

    private LineIndex() {
    }

    static LineIndex scan(ObjectMapper mapper, String text) {
        LineIndex index = new LineIndex();
        try (JsonParser p = mapper.createParser(text)) {
            int documents = 0;
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                FieldPath path = FieldPath.of(p.streamReadContext());
                int line = p.currentTokenLocation().getLineNr();
                if (path.isRoot()) {
                    if (!token.isStructEnd()) {
                        documents++;
                        if (documents == 1) {
                            index.rootToken = token;
                        } else if (documents == 2) {
                            index.secondDocumentLine = line;
                        }
                    }
                } else if (line > 0) {
                    // the key's line wins over its value's (they differ for block values)
                    index.lines.putIfAbsent(path, line);
                }
            }
        }
        return index;
    }

    /** The line of the value at {@code path}, else of its nearest parent that has one; null at the root. */
    Integer lineOf(FieldPath path) {
        for (FieldPath p = path; !p.isRoot(); p = p.parent()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
        }
        return null;
    }

    /** True when the key is present in the document, even with a null value. */
    boolean contains(FieldPath path) {
        return lines.containsKey(path);
    }

    /** The first token of the document, or null when it is empty (or only comments). */
    JsonToken rootToken() {
        return rootToken;
    }

    /** Where a second YAML document starts, or null when there is just one. */
    Integer secondDocumentLine() {
        return secondDocumentLine;
    }
}
