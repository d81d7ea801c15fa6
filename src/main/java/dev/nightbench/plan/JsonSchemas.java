package dev.nightbench.plan;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a {@code json} check's {@code schema:} is a JSON Schema: a JSON object (or true/false) that its dialect's
 * meta-schema (its {@code $schema}, else draft 2020-12) accepts and that networknt's validator can load. The
 * meta-schemas ship inside the library, so nothing is fetched.
 */
public final class JsonSchemas {

    /** A plain JSON mapper (the plan's {@link Binding#JSON} renames keys for records; schemas need none of that). */
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private JsonSchemas() {
    }

    /** The schema ready to validate with, for a text {@link #problemInText} accepted. */
    public static Schema load(String schemaJson) {
        return REGISTRY.getSchema(JSON.readTree(schemaJson));
    }

    static String toJson(Object inline) {
        return JSON.writeValueAsString(JSON.valueToTree(inline));
    }

    /** @return what is wrong with an inline schema (a YAML mapping or boolean), or null when it is a schema */
    static String problem(Object inline) {
        if (!(inline instanceof java.util.Map<?, ?>) && !(inline instanceof Boolean)) {
            return "expected a JSON Schema as a mapping (e.g. {type: object, required: [answer]}), got "
                    + CheckValidator.describe(inline);
        }
        return problem((JsonNode) JSON.valueToTree(inline));
    }

    /** @return what is wrong with a schema file's text (JSON), or null when it is a schema */
    static String problemInText(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return "not JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")";
        }
        return problem(node);
    }

    private static String problem(JsonNode node) {
        if (node == null || !(node.isObject() || node.isBoolean())) {
            return "a JSON Schema is an object or true/false";
        }
        String dialect = SpecificationVersion.DRAFT_2020_12.getDialectId();
        if (node.isObject() && node.has("$schema")) {
            String declared = node.get("$schema").asString();
            dialect = null;
            for (SpecificationVersion v : SpecificationVersion.values()) {
                if (strip(v.getDialectId()).equals(strip(declared))) {
                    dialect = v.getDialectId();
                }
            }
            if (dialect == null) {
                return "unknown $schema '" + declared + "' (known: draft-04, -06, -07, 2019-09, 2020-12)";
            }
        }
        try {
            Schema meta = REGISTRY.getSchema(SchemaLocation.of(dialect));
            List<Error> errors = meta.validate(node);
            if (!errors.isEmpty()) {
                return "the meta-schema rejects it: " + errors.stream().limit(3)
                        .map(e -> where(e) + ": " + e.getMessage())
                        .collect(Collectors.joining("; "));
            }
            REGISTRY.getSchema(node);
            return null;
        } catch (SchemaException | IllegalArgumentException e) {
            return "cannot be loaded: " + e.getMessage();
        }
    }

    private static String strip(String uri) {
        String s = uri.strip();
        if (s.endsWith("#")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.replaceFirst("^https?://", "");
    }

    /** The failing value's JSON pointer, "/" for the whole document. */
    private static String where(Error e) {
        String at = String.valueOf(e.getInstanceLocation());
        return at.isEmpty() ? "/" : at;
    }
}
