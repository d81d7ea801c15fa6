package dev.nightbench.report;

import dev.nightbench.support.ResultsSchema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in {@code results.schema.json} is a draft 2020-12 schema, accepts what {@link ResultsJson} builds and
 * rejects a document that is broken the ways a careless change would break it (a member missing, renamed or of the
 * wrong type, a new version number), so the whole-run validation in {@link ResultsJsonTest} can fail. No database.
 */
class ResultsSchemaTest {

    @Test
    void theSchemaIsADraft202012SchemaWithTheVersionResultsJsonWrites() {
        assertThat(ResultsSchema.schemaProblems()).isEmpty();
        assertThat(ResultsSchema.schemaTree().get("$id").asString()).isEqualTo(ResultsJson.SCHEMA_ID);
        assertThat(ResultsSchema.schemaTree().get("properties").get("schema_version").get("const").asInt())
                .isEqualTo(ResultsJson.SCHEMA_VERSION);
    }

    @Test
    void aRunWithoutFiguresIsValid() {
        ObjectNode doc = document();

        assertThat(ResultsSchema.problems(doc)).isEmpty();
        assertThat(doc.get("models").get(0).get("aggregate").isNull()).isTrue();
        assertThat(doc.get("models").get(0).get("price").get("output_per_1k").isNull()).isTrue();
        assertThat(doc.get("selection").isNull()).isTrue();
    }

    @Test
    void brokenDocumentsAreRejectedWhereTheyAreBroken() {
        assertThat(broken(d -> d.remove("run"))).anySatisfy(p -> assertThat(p).startsWith("/:").contains("run"));
        assertThat(broken(d -> d.put("schema_version", 2))).anySatisfy(p -> assertThat(p).startsWith("/schema_version:"));
        assertThat(broken(d -> model(d).put("size_mb", "900 MB")))
                .anySatisfy(p -> assertThat(p).startsWith("/models/0/size_mb:"));
        assertThat(broken(d -> model(d).set("cold_start", model(d).remove("cold_start_ms")))) // a rename
                .anySatisfy(p -> assertThat(p).contains("cold_start_ms"))
                .anySatisfy(p -> assertThat(p).contains("cold_start"));
        assertThat(broken(d -> model(d).putObject("aggregate").put("requests", 3)))
                .anySatisfy(p -> assertThat(p).startsWith("/models/0/aggregate:").contains("ttft_ms"));
        assertThat(broken(d -> ((ObjectNode) d.get("comparisons")).putArray("rows").addObject()
                .put("model_alias", "m").put("prompt_id", "*").put("load_mode", "serial").put("load_level", 1.0)
                .put("metric", "judge_score").putNull("criterion").putNull("baseline_median").putNull("current_median")
                .putNull("change_pct").putNull("p_value").putNull("p_adjusted").put("n_baseline", 0).put("n_current", 0)
                .put("test", "t").put("verdict", "unchanged")))
                .anySatisfy(p -> assertThat(p).startsWith("/comparisons/rows/0/criterion:"));
    }

    private static List<String> broken(Consumer<ObjectNode> damage) {
        ObjectNode doc = document();
        damage.accept(doc);
        return ResultsSchema.problems(doc);
    }

    private static ObjectNode model(ObjectNode doc) {
        return (ObjectNode) doc.get("models").get(0);
    }

    /** A run with one model that produced nothing (no summaries, no checks, no judge, no baseline). */
    private static ObjectNode document() {
        ReportData.Run run = new ReportData.Run(7, "plan", "jobs/plan.yaml", "abc", LocalDate.of(2026, 12, 1), null,
                false, "host", "dev", "FAILED", Instant.parse("2026-12-01T02:00:00Z"), null, "boom");
        ReportData data = new ReportData(run, ReportData.Slo.NONE, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of());
        ResultsData results = new ResultsData(List.of(new ResultsData.Model("m", "local", "m:latest", false, 4200,
                List.of("chat"), new BigDecimal("0.25"), null, "unavailable", "not listed by GET /models", null,
                "no warm-up request succeeded", "openai", null, null, null)), Map.of(), List.of(), null);
        return ResultsJson.tree(data, Visibility.NONE, results, List.of());
    }
}
