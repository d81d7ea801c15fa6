package dev.nightbench.report;

import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import dev.nightbench.support.ResultsSchema;
import dev.nightbench.support.SimTimeScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code results.json} of whole simulated runs on a real PostgreSQL, validated against the checked-in
 * {@code results.schema.json}, its figures the database's own: {@code jobs/quality-demo.yaml} twice (checks, a judge,
 * telemetry, and the second night priced and compared with the first, judge scores included) and
 * {@code jobs/demo-load.yaml} (load levels, skipped sweep levels, SLOs).
 */
class ResultsJsonTest extends JobTestSupport {

    @Autowired
    ReportService reportService;

    @TempDir
    Path dir;

    @Test
    @ExtendWith(SimTimeScale.class)   // not the load demo: its sweep's end and skipped levels depend on the latencies
    void theQualityDemoTwiceValidatesAndSaysWhatTheDatabaseSays() throws Exception {
        Path demo = Path.of("jobs/quality-demo.yaml");
        long run1 = runId(completed(demo));
        String shipped = Files.readString(demo);
        String priced = shipped.replace("  - alias: sim-fast\n", """
                  - alias: sim-fast
                    size_mb: 900
                    capabilities: [chat, code]
                    price: { input_per_1k: 0.5, output_per_1k: 1.5 }
                """);
        assertThat(priced).isNotEqualTo(shipped);
        long run2 = runId(completed(Files.writeString(dir.resolve("quality-demo.yaml"), priced)));

        String text = Files.readString(ReportDirs.of(reports, "2026-11-22_" + run2).resolve("results.json"));
        JsonNode doc = ResultsSchema.JSON.readTree(text);
        assertThat(ResultsSchema.problems(doc)).isEmpty();
        // printed later from the database: the same bytes
        assertThat(reportService.resultsJson(run2)).isEqualTo(text);

        assertThat(doc.get("schema").asString()).isEqualTo("https://nightbench.dev/results/v1");
        assertThat(doc.get("schema_version").asInt()).isEqualTo(1);
        JsonNode run = doc.get("run");
        assertThat(run.get("run_id").asLong()).isEqualTo(run2);
        assertThat(run.get("plan_name").asString()).isEqualTo("quality-demo");
        assertThat(run.get("plan_hash").asString()).isEqualTo(string("SELECT plan_hash FROM runs WHERE run_id = ?", run2));
        assertThat(run.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(run.get("run_date").asString()).isEqualTo("2026-11-22");
        assertThat(run.get("simulated").asBoolean()).isTrue();
        assertThat(Instant.parse(run.get("started_at").asString())).isEqualTo(jdbc.sql(
                "SELECT started_at FROM runs WHERE run_id = ?").param(run2).query(Timestamp.class).single().toInstant());
        assertThat(run.get("label").asString()).isEqualTo("test");
        // no selection: section: the six dimensions of each model, no verdict
        assertThat(doc.get("selection").get("planned").asBoolean()).isFalse();
        assertThat(doc.get("selection").get("recommended").isNull()).isTrue();
        assertThat(doc.get("selection").get("models")).hasSize(3);
        assertThat(doc.get("load_levels")).isEmpty();

        // the judge and its rubric
        assertThat(doc.get("judge").get("model").asString()).isEqualTo("sim-judge");
        assertThat(values(doc.get("judge").get("criteria"), "criterion"))
                .containsExactly("coherence", "factuality", "brevity", "grounded");

        // per model, in plan order: the plan's facts, the latency tail, cost from the price
        JsonNode models = doc.get("models");
        assertThat(values(models, "model_alias")).containsExactly("sim-fast", "sim-medium", "sim-large");
        JsonNode fast = models.get(0);
        assertThat(fast.get("size_mb").asInt()).isEqualTo(900);
        assertThat(values(fast.get("capabilities"), null)).containsExactly("chat", "code");
        assertThat(fast.get("price").get("input_per_1k").decimalValue()).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(fast.get("price").get("output_per_1k").decimalValue()).isEqualByComparingTo(new BigDecimal("1.5"));
        assertThat(models.get(1).get("price").isNull()).isTrue();
        assertThat(models.get(1).get("size_mb").isNull()).isTrue();
        Map<String, Object> s = jdbc.sql("""
                        SELECT requests, ttft_ms_p99, e2e_ms_p95, tpot_ms_mean, decode_tps_mean, prompt_tokens, output_tokens
                        FROM summaries WHERE run_id = ? AND model_alias = 'sim-fast' AND prompt_id = '*'
                          AND load_mode = 'serial'""").param(run2).query().singleRow();
        JsonNode agg = fast.get("aggregate");
        assertThat(agg.get("requests").asInt()).isEqualTo(21).isEqualTo(s.get("requests"));
        assertThat(number(agg.get("ttft_ms").get("p99"))).isEqualTo(s.get("ttft_ms_p99"));
        assertThat(number(agg.get("e2e_ms").get("p95"))).isEqualTo(s.get("e2e_ms_p95"));
        assertThat(number(agg.get("tpot_ms").get("mean"))).isEqualTo(s.get("tpot_ms_mean"));
        // null where the database has none (every request flagged, e.g. chunks in bursts on a busy machine)
        assertThat(number(agg.get("decode_tps").get("mean"))).isEqualTo(s.get("decode_tps_mean"));
        assertThat(agg.get("tokens").get("output").asLong()).isEqualTo(s.get("output_tokens"));
        assertThat(agg.get("cost_estimate").asDouble()).isCloseTo(((Long) s.get("prompt_tokens") * 0.5
                + (Long) s.get("output_tokens") * 1.5) / 1000, within(1e-9));
        assertThat(models.get(1).get("aggregate").get("cost_estimate").isNull()).isTrue();
        assertThat(fast.get("retries").get("attempts").asInt()).isEqualTo(21);
        assertThat(fast.get("retries").get("retries_by_error")).isEmpty();

        // quality: check pass rate with its Wilson interval, judge means with their t intervals, outcomes
        JsonNode medium = models.get(1).get("quality");
        Map<String, Object> q = jdbc.sql("SELECT pass_rate, wilson_low, wilson_high, n FROM model_quality"
                + " WHERE run_id = ? AND model_alias = 'sim-medium'").param(run2).query().singleRow();
        assertThat(medium.get("checks").get("pass_rate").asDouble()).isEqualTo(q.get("pass_rate"));
        assertThat(medium.get("checks").get("wilson_low").asDouble()).isEqualTo(q.get("wilson_low"));
        assertThat(medium.get("checks").get("wilson_high").asDouble()).isEqualTo(q.get("wilson_high"));
        assertThat(medium.get("checks").get("pass_rate").asDouble()).isLessThan(1);
        JsonNode factuality = find(medium.get("judge").get("scores"), "criterion", "factuality");
        assertThat(factuality.get("n").asInt()).isEqualTo(20);
        assertThat(factuality.get("mean").asDouble()).isCloseTo(3.95, within(1e-9));
        assertThat(factuality.get("ci_low").asDouble()).isEqualTo(jdbc.sql("SELECT ci_low FROM model_scores WHERE"
                + " run_id = ? AND model_alias = 'sim-medium' AND criterion = 'factuality'").param(run2)
                .query(Double.class).single());
        JsonNode outcomes = medium.get("judge").get("outcomes");
        assertThat(List.of(outcomes.get("judged").asInt(), outcomes.get("ok").asInt(),
                outcomes.get("unparseable").asInt(), outcomes.get("failed").asInt())).containsExactly(21, 20, 1, 0);

        // server telemetry of the simulated endpoint
        JsonNode telemetry = fast.get("telemetry");
        assertThat(telemetry).hasSize(1);
        assertThat(telemetry.get(0).get("source").asString()).isEqualTo("simulated");
        assertThat(telemetry.get(0).get("server_version").asString()).isEqualTo("nightbench simulated");
        assertThat(telemetry.get(0).get("samples").asInt()).isPositive().isEqualTo(jdbc.sql("SELECT samples FROM"
                + " run_model_telemetry WHERE run_id = ? AND model_alias = 'sim-fast'").param(run2)
                .query(Integer.class).single());

        // per model and prompt
        JsonNode prompts = doc.get("prompts");
        assertThat(prompts).hasSize(3 * 7);
        JsonNode sum = StreamSupport.stream(prompts.spliterator(), false).filter(p -> p.get("model_alias").asString()
                .equals("sim-medium") && p.get("prompt_id").asString().equals("sum")).findFirst().orElseThrow();
        assertThat(sum.get("aggregate").get("requests").asInt()).isEqualTo(3);
        assertThat(sum.get("quality").get("checks").get("pass_rate").asDouble()).isEqualTo(jdbc.sql("SELECT pass_rate"
                + " FROM prompt_quality WHERE run_id = ? AND model_alias = 'sim-medium' AND prompt_id = 'sum'")
                .param(run2).query(Double.class).single());
        assertThat(sum.get("quality").get("judge").get("scores")).hasSize(3);
        assertThat(sum.get("quality").get("judge").get("outcomes").isNull()).isTrue();

        // the comparison with the first night, judge scores included
        JsonNode comparisons = doc.get("comparisons");
        assertThat(comparisons.get("baseline").get("mode").asString()).isEqualTo("previous");
        assertThat(comparisons.get("baseline").get("run_ids")).hasSize(1);
        assertThat(comparisons.get("baseline").get("run_ids").get(0).asLong()).isEqualTo(run1);
        assertThat(comparisons.get("rows")).hasSize((int) count("SELECT count(*) FROM comparisons WHERE run_id = ?", run2));
        JsonNode judged = StreamSupport.stream(comparisons.get("rows").spliterator(), false)
                .filter(r -> r.get("metric").asString().equals("judge_score")
                        && r.get("model_alias").asString().equals("sim-medium")
                        && r.get("criterion").isString() && r.get("criterion").asString().equals("factuality"))
                .findFirst().orElseThrow();
        assertThat(judged.get("current_median").asDouble()).isEqualTo(jdbc.sql("SELECT current_median FROM"
                + " run_comparisons WHERE run_id = ? AND metric = 'judge_score' AND model_alias = 'sim-medium'"
                + " AND criterion = 'factuality'").param(run2).query(Double.class).single());
        assertThat(judged.get("verdict").asString()).isEqualTo("unchanged");

        // the first night had nothing to compare with
        JsonNode first = ResultsSchema.JSON.readTree(ReportDirs.of(reports, "2026-11-22_" + run1).resolve("results.json").toFile());
        assertThat(ResultsSchema.problems(first)).isEmpty();
        assertThat(first.get("comparisons").get("baseline").isNull()).isTrue();
        assertThat(first.get("comparisons").get("rows")).isEmpty();
        assertThat(first.get("models").get(0).get("size_mb").isNull()).isTrue();
    }

    @Test
    void theLoadDemoValidatesWithItsLevelsAndSweep() throws Exception {
        long run = runId(completed(Path.of("jobs/demo-load.yaml")));

        JsonNode doc = ResultsSchema.JSON.readTree(
                ReportDirs.of(reports, "2026-11-22_" + run).resolve("results.json").toFile());
        assertThat(ResultsSchema.problems(doc)).isEmpty();

        assertThat(doc.get("slo").get("ttft_ms").asDouble()).isEqualTo(150);
        assertThat(doc.get("slo").get("max_error_rate").asDouble()).isEqualTo(0.05);
        assertThat(doc.get("judge").isNull()).isTrue();
        assertThat(doc.get("models").get(0).get("quality").get("checks").isNull()).isTrue();
        assertThat(doc.get("models").get(0).get("quality").get("judge").isNull()).isTrue();
        JsonNode levels = doc.get("load_levels");
        assertThat(levels).hasSize((int) count("SELECT count(*) FROM load_summaries WHERE run_id = ?", run));
        long skipped = count("SELECT count(*) FROM load_phases WHERE run_id = ? AND status = 'skipped'", run);
        assertThat(StreamSupport.stream(levels.spliterator(), false)
                .filter(l -> l.get("phase_status").asString().equals("skipped"))
                .peek(l -> assertThat(l.get("requests").isNull()).isTrue())).hasSize((int) skipped);
        JsonNode four = StreamSupport.stream(levels.spliterator(), false).filter(l -> l.get("model_alias").asString()
                .equals("sim-fast") && l.get("load_mode").asString().equals("concurrency")
                && l.get("load_level").asDouble() == 4).findFirst().orElseThrow();
        assertThat(four.get("request_throughput").asDouble()).isEqualTo(jdbc.sql("SELECT request_throughput FROM"
                + " load_summaries WHERE run_id = ? AND model_alias = 'sim-fast' AND load_mode = 'concurrency'"
                + " AND load_level = 4").param(run).query(Double.class).single());
        assertThat(four.get("sweep").asBoolean()).isFalse();
        JsonNode sweep = doc.get("sweeps").get(0);
        assertThat(sweep.get("model_alias").asString()).isEqualTo("sim-busy");
        Double held = jdbc.sql("SELECT max_level_held FROM sweep_results WHERE run_id = ? AND model_alias = 'sim-busy'")
                .param(run).query(Double.class).optional().orElse(null);
        assertThat(sweep.get("max_level_held").isNull() ? null : sweep.get("max_level_held").asDouble()).isEqualTo(held);
    }

    private JobExecution completed(Path plan) throws Exception {
        JobExecution execution = launch(plan);
        assertThat(execution.getStatus()).as(execution.getAllFailureExceptions().toString())
                .isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    private String string(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(String.class).single();
    }

    /** The text of each element's member (the element itself when member is null). */
    private static List<String> values(JsonNode array, String member) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add((member == null ? e : e.get(member)).asString()));
        return out;
    }

    private static JsonNode find(JsonNode array, String member, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(e -> e.get(member).asString().equals(value))
                .findFirst().orElseThrow();
    }

    /** A JSON number as the database gives it: null for JSON null (asDouble() would say 0.0). */
    private static Double number(JsonNode node) {
        return node == null || node.isNull() ? null : node.asDouble();
    }
}
