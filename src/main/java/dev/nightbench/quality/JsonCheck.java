package dev.nightbench.quality;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.nightbench.plan.CheckSpec;
import dev.nightbench.plan.JsonSchemas;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code json}: the answer is exactly one JSON value, surrounding whitespace allowed; or exactly one Markdown code
 * fence holding one (<code>```json … ```</code>, or a fence without a language), with nothing else around it, since
 * chat models fence JSON by habit. Text before or after the value or the fence fails. With a schema, the value must
 * also be valid against it (networknt json-schema-validator).
 */
final class JsonCheck implements Check {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Pattern FENCE = Pattern.compile("\\A```[ \\t]*(?:json|JSON)?[ \\t]*\\R(.*?)\\R?```\\z",
            Pattern.DOTALL);

    private final CheckSpec.Json spec;
    private final Schema schema;

    JsonCheck(CheckSpec.Json spec) {
        this.spec = spec;
        this.schema = spec.schema() == null ? null : JsonSchemas.load(spec.schema());
    }

    @Override
    public CheckSpec.Json spec() {
        return spec;
    }

    @Override
    public CheckOutcome check(String answer) {
        String text = answer.strip();
        boolean fenced = false;
        Matcher m = FENCE.matcher(text);
        if (m.matches()) {
            text = m.group(1).strip();
            fenced = true;
        }
        if (text.isEmpty()) {
            return CheckOutcome.fail(fenced ? "empty code fence, not JSON" : "empty answer, not JSON");
        }
        JsonNode value;
        try {
            value = STRICT.readTree(text);
        } catch (JacksonException e) {
            String message = e.getOriginalMessage();
            int cut = message.indexOf('\n');
            return CheckOutcome.fail("not JSON: " + (cut < 0 ? message : message.substring(0, cut))
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        String what = (fenced ? "fenced " : "") + "JSON " + kind(value);
        if (schema == null) {
            return CheckOutcome.pass(what);
        }
        List<Error> errors = schema.validate(value);
        if (errors.isEmpty()) {
            return CheckOutcome.pass(what + ", valid against the schema");
        }
        return CheckOutcome.fail(what + " fails the schema: " + errors.stream().limit(2)
                .map(e -> where(e) + ": " + e.getMessage()).collect(Collectors.joining("; "))
                + (errors.size() > 2 ? " (+" + (errors.size() - 2) + " more)" : ""));
    }

    private static String kind(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        return v.isString() ? "string" : v.isNumber() ? "number" : v.isBoolean() ? "boolean" : "null";
    }

    /** The failing value's JSON pointer, "/" for the whole document. */
    private static String where(Error e) {
        String at = String.valueOf(e.getInstanceLocation());
        return at.isEmpty() ? "/" : at;
    }
}
