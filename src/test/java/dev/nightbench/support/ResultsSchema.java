package dev.nightbench.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The checked-in {@code results.schema.json} (src/main/resources), loaded from the classpath as the jar ships it, and
 * what it says about a document: one line per violation, "JSON pointer: message", empty when the document is valid.
 */
public final class ResultsSchema {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private ResultsSchema() {
    }

    /** The schema file's own text as a tree. */
    public static JsonNode schemaTree() {
        try (InputStream in = ResultsSchema.class.getResourceAsStream("/results.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("results.schema.json is not on the classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What draft 2020-12's meta-schema finds wrong with the schema file itself. */
    public static List<String> schemaProblems() {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        return lines(meta.validate(schemaTree()));
    }

    public static List<String> problems(JsonNode document) {
        return lines(REGISTRY.getSchema(schemaTree()).validate(document));
    }

    public static List<String> problems(String document) {
        return problems(JSON.readTree(document));
    }

    private static List<String> lines(List<Error> errors) {
        return errors.stream().map(e -> (String.valueOf(e.getInstanceLocation()).isEmpty() ? "/"
                : String.valueOf(e.getInstanceLocation())) + ": " + e.getMessage()).toList();
    }
}
