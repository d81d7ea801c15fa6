package dev.nightbench.store;

import dev.nightbench.client.NanoClock;
import dev.nightbench.client.Timeouts;
import dev.nightbench.client.openai.OpenAiModelClient;
import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.CellExecutor.CellResult;
import dev.nightbench.measure.CellExecutor;
import dev.nightbench.measure.CircuitBreakers;
import dev.nightbench.measure.Measurement;
import dev.nightbench.measure.RetryPolicy;
import dev.nightbench.measure.SkipReason;
import dev.nightbench.measure.SweepState;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.Slo;
import dev.nightbench.run.StoreRows;
import dev.nightbench.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static dev.nightbench.measure.Measurements.aMeasurement;
import static dev.nightbench.plan.PlanFixtures.aPlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The V4 aggregates on a real PostgreSQL: goodput, error rate, throughput from the phase's wall time, scheduled
 * lag, and the confidence intervals and coefficients of variation, checked against numbers worked out by hand.
 */
class LoadAggregatesTest {

    private static final AtomicLong JOB_INSTANCES = new AtomicLong(1_000);

    private JdbcClient jdbc;
    private RunStore runs;
    private RequestStore requests;
    private SummaryStore summaries;
    private LoadPhaseStore phases;

    @BeforeEach
    void database() {
        String url = TestDatabase.newDatabase();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "postgres", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        runs = new RunStore(jdbc);
        requests = new RequestStore(new JdbcTemplate(dataSource), jdbc);
        summaries = new SummaryStore(jdbc);
        phases = new LoadPhaseStore(jdbc);
    }

    private long register(Plan plan) {
        return runs.register(new RunStore.NewRun(JOB_INSTANCES.incrementAndGet(), plan, "snapshot", LocalDate.of(2026, 11, 22),
                null, "test", "dev", Instant.now(), 1));
    }

    @Test
    void goodputCountsFailedRequestsInItsDenominatorAndThroughputComesFromThePhasesWallTime() {
        // every 4th request to the model fails; the others answer 3 tokens well within the SLO
        Script ok = Script.stream().role().delay(30).content("a").delay(5).content(" b").delay(5).content(" c")
                .finish("stop").usage(4, 3).done();
        Plan plan = aPlan().withModels("flaky").withSlo(new Slo(null, null, 5_000.0, 0.05, 95)).build();
        CellResult result;
        try (SimulatedServer server = new SimulatedServer().script("flaky", i -> i % 4 == 3 ? Script.status(500).after(30) : ok).start();
             OpenAiModelClient client = new OpenAiModelClient(server.baseUrl(), null, Timeouts.defaults(), NanoClock.SYSTEM)) {
            CellExecutor executor = new CellExecutor(plan, alias -> client, new CircuitBreakers(1_000), RetryPolicy.none(),
                    Clock.systemUTC(), d -> { }, new Random(1), NanoClock.SYSTEM, new SweepState());
            result = executor.execute(new Cell(0, "measure", "flaky", Cell.ALL_PROMPTS, Cell.CONCURRENCY, 4, 40, null, false));
        }
        long runId = register(plan);
        store(runId, result);

        summaries.aggregate(runId);

        Map<String, Object> s = summary(runId, "flaky", "*", Cell.CONCURRENCY, 4);
        assertThat(s).containsEntry("requests", 40).containsEntry("ok_requests", 30).containsEntry("goodput_requests", 30);
        assertThat((Double) s.get("goodput")).isLessThanOrEqualTo(0.75).isCloseTo(0.75, within(1e-12));
        assertThat((Double) s.get("error_rate")).isCloseTo(0.25, within(1e-12));
        assertThat(result.load().held()).isFalse(); // 25 % failed > max_error_rate 5 %
        double wallMs = result.load().wallMs();
        assertThat((Double) s.get("wall_ms")).isCloseTo(wallMs, within(1e-6));
        assertThat((Double) s.get("request_throughput")).isCloseTo(30 / (wallMs / 1000), within(1e-9));
        assertThat((Double) s.get("output_token_throughput")).isCloseTo(30 * 3 / (wallMs / 1000), within(1e-9));
        assertThat(s.get("offered_rate")).isNull();
        assertThat(jdbc.sql("SELECT status || ':' || held || ':' || max_in_flight FROM load_phases WHERE run_id = ?")
                .param(runId).query(String.class).single()).isEqualTo("ran:false:4");
    }

    @Test
    void confidenceIntervalsAndCoefficientsOfVariationMatchTheNumbersWorkedOutByHand() {
        Plan plan = aPlan().withModels("m").build();
        long runId = register(plan);
        double[] ttft = {100, 110, 130, 90, 120};
        List<RequestRow> rows = new ArrayList<>();
        for (int i = 0; i < ttft.length; i++) {
            rows.add(row(runId, 0, i, 1, true, "capital", Cell.SERIAL, 1, null, ok(ttft[i], 10.0 + i, 500.0 + 10 * i, 20)));
        }
        requests.insert(rows);

        summaries.aggregate(runId);

        // mean 110, s = sqrt((100 + 0 + 400 + 400 + 100) / 4) = sqrt(250), t(0.975, 4) = 2.776445105
        double s = Math.sqrt(250);
        double half = 2.776445105 * s / Math.sqrt(5);
        Map<String, Object> row = summary(runId, "m", "capital", Cell.SERIAL, 1);
        assertThat(row).containsEntry("ttft_ms_n", 5);
        assertThat((Double) row.get("ttft_ms_mean")).isCloseTo(110, within(1e-9));
        assertThat((Double) row.get("ttft_ms_ci95_low")).isCloseTo(110 - half, within(1e-6));
        assertThat((Double) row.get("ttft_ms_ci95_high")).isCloseTo(110 + half, within(1e-6));
        assertThat((Double) row.get("ttft_ms_cv")).isCloseTo(s / 110, within(1e-9));
        assertThat(half).isCloseTo(19.63243, within(1e-5));
        // tpot 10..14: mean 12, s = sqrt(2.5)
        assertThat((Double) row.get("tpot_ms_ci95_high")).isCloseTo(12 + 2.776445105 * Math.sqrt(2.5) / Math.sqrt(5), within(1e-6));
        assertThat((Double) row.get("tpot_ms_cv")).isCloseTo(Math.sqrt(2.5) / 12, within(1e-9));
        // serial cells: no throughput, no lag, and goodput undefined without latency SLOs
        assertThat(row.get("request_throughput")).isNull();
        assertThat(row.get("scheduled_lag_ms_mean")).isNull();
        assertThat(row.get("goodput")).isNull();
        assertThat((Double) row.get("error_rate")).isZero();
    }

    @Test
    void aMeanOfOneSampleHasNoConfidenceInterval() {
        long runId = register(aPlan().withModels("m").build());
        requests.insert(List.of(row(runId, 0, 0, 1, true, "capital", Cell.SERIAL, 1, null, ok(100.0, 10.0, 500.0, 20))));

        summaries.aggregate(runId);

        Map<String, Object> row = summary(runId, "m", "*", Cell.SERIAL, 1);
        assertThat(row).containsEntry("ttft_ms_n", 1).containsEntry("ttft_ms_ci95_low", null).containsEntry("ttft_ms_cv", null);
    }

    @Test
    void theTQuantileFunctionMatchesStudentsDistribution() {
        // scipy.stats.t.ppf(0.975, df)
        Map<Integer, Double> expected = Map.of(1, 12.706204736, 4, 2.776445105, 30, 2.042272456, 31, 2.039513446,
                40, 2.021075390, 120, 1.979930405, 1000, 1.962339081);
        expected.forEach((df, t) -> assertThat(jdbc.sql("SELECT t_quantile_975(?)").param(df).query(Double.class).single())
                .as("df %d", df).isCloseTo(t, within(1e-6)));
        assertThat(jdbc.sql("SELECT t_quantile_975(0) IS NULL").query(Boolean.class).single()).isTrue();
    }

    @Test
    void scheduledLagIsAggregatedOverFirstAttemptsAndSweepStoppedRequestsAreLeftOut() {
        Plan plan = aPlan().withModels("m").withSlo(new Slo(200.0, null, null, null, 95)).build();
        long runId = register(plan);
        double[] lags = {1, 2, 3, 4, 100};
        List<RequestRow> rows = new ArrayList<>();
        for (int i = 0; i < lags.length; i++) {
            rows.add(row(runId, 0, i, 1, i != 4, "capital", Cell.RATE, 8, lags[i], i == 1 ? ok(250.0, 5.0, 300.0, 8)
                    : ok(50.0, 5.0, 100.0, 8)));
        }
        rows.add(row(runId, 0, 4, 2, true, "capital", Cell.RATE, 8, null, ok(60.0, 5.0, 110.0, 8))); // a retry
        for (int i = 0; i < 3; i++) {
            rows.add(row(runId, 1, i, 1, true, "capital", Cell.RATE, 16, null, skipped(SkipReason.SWEEP_STOPPED)));
        }
        requests.insert(rows);
        phases.insert(new LoadPhaseStore.LoadPhaseRow(runId, 0, "m", Cell.RATE, 8, true, 8.0, 5, null, 5, 5, 5, 1_000.0,
                3, Instant.now(), LoadPhaseStatus.RAN, false, "ttft_ms p95 210.0 ms > 200 ms", null));
        phases.insert(new LoadPhaseStore.LoadPhaseRow(runId, 1, "m", Cell.RATE, 16, true, 16.0, 3, null, 3, 0, 0, null,
                0, Instant.now(), LoadPhaseStatus.SKIPPED, null, null, "sweep stopped: SLO ttft_ms p95 210.0 ms > 200 ms broke at rate 8 req/s"));

        summaries.aggregate(runId);

        Map<String, Object> s = summary(runId, "m", "*", Cell.RATE, 8);
        assertThat((Double) s.get("scheduled_lag_ms_mean")).isCloseTo(22, within(1e-9));
        assertThat((Double) s.get("scheduled_lag_ms_p95")).isCloseTo(4 + 0.8 * 96, within(1e-9)); // percentile_cont
        assertThat((Double) s.get("scheduled_lag_ms_max")).isEqualTo(100);
        assertThat(s).containsEntry("requests", 5).containsEntry("goodput_requests", 4);
        assertThat((Double) s.get("goodput")).isCloseTo(0.8, within(1e-12));
        assertThat((Double) s.get("offered_rate")).isEqualTo(8);
        assertThat((Double) s.get("request_throughput")).isCloseTo(5.0, within(1e-9));
        assertThat(jdbc.sql("SELECT count(*) FROM summaries WHERE run_id = ? AND load_level = 16").param(runId)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT phase_status || ':' || coalesce(requests::text, '-') FROM load_summaries WHERE run_id = ? "
                + "ORDER BY load_level").param(runId).query(String.class).list()).containsExactly("ran:5", "skipped:-");
    }

    @Test
    void sweepResultsGiveTheHighestLevelThatHeldAndWhatBrokeAboveIt() {
        long runId = register(aPlan().withModels("m").build());
        double[] levels = {1, 2, 4, 8, 16};
        Boolean[] held = {true, true, true, false, null};
        List<RequestRow> rows = new ArrayList<>();
        for (int c = 0; c < levels.length; c++) {
            boolean ran = held[c] != null;
            for (int i = 0; i < 4; i++) {
                rows.add(row(runId, c, i, 1, true, "capital", Cell.CONCURRENCY, levels[c], null,
                        ran ? ok(50.0 * levels[c], 5.0, 100.0 * levels[c], 10) : skipped(SkipReason.SWEEP_STOPPED)));
            }
            phases.insert(new LoadPhaseStore.LoadPhaseRow(runId, c, "m", Cell.CONCURRENCY, levels[c], true, null, 4, null,
                    4, ran ? 4 : 0, ran ? 4 : 0, ran ? 400.0 : null, ran ? (int) Math.min(4, levels[c]) : 0, Instant.now(),
                    ran ? LoadPhaseStatus.RAN : LoadPhaseStatus.SKIPPED, held[c], Boolean.FALSE.equals(held[c]) ? "ttft_ms p95 400.0 ms > 300 ms" : null,
                    ran ? null : "sweep stopped: SLO ttft_ms p95 400.0 ms > 300 ms broke at concurrency 8"));
        }
        requests.insert(rows);

        summaries.aggregate(runId);

        Map<String, Object> r = jdbc.sql("SELECT * FROM sweep_results WHERE run_id = ?").param(runId).query().singleRow();
        assertThat(r).containsEntry("model_alias", "m").containsEntry("load_mode", "concurrency")
                .containsEntry("max_level_held", 4.0).containsEntry("broke_at_level", 8.0)
                .containsEntry("slo_broken", "ttft_ms p95 400.0 ms > 300 ms")
                .containsEntry("levels_planned", 5L).containsEntry("levels_run", 4L).containsEntry("levels_skipped", 1L);
        assertThat((Double) r.get("max_level_request_throughput")).isCloseTo(10.0, within(1e-9)); // 4 ok / 0.4 s
        assertThat(phases.brokenSweepLevels(runId)).containsExactly(
                new LoadPhaseStore.BrokenLevel("m", Cell.CONCURRENCY, 8, "ttft_ms p95 400.0 ms > 300 ms"));
    }

    // ---------------------------------------------------------------- helpers

    private void store(long runId, CellResult result) {
        Cell cell = result.cell();
        requests.insert(StoreRows.requests(runId, result, true));
        var p = result.load();
        phases.insert(new LoadPhaseStore.LoadPhaseRow(runId, cell.index(), cell.modelAlias(), cell.loadMode(),
                cell.loadLevel(), cell.sweep(), p.offeredRate(), cell.requests(), null, p.requests(), p.sent(),
                p.okRequests(), p.wallMs(), p.maxInFlight(), p.startedAt(),
                p.skipped() ? LoadPhaseStatus.SKIPPED : LoadPhaseStatus.RAN, p.held(),
                p.sloBroken(), p.skipReason()));
    }

    /** A request row of model "m". */
    private static RequestRow row(long runId, int cell, int index, int attempt, boolean isFinal, String prompt,
                                  String mode, double level, Double lag, Measurement m) {
        return row(runId, "m", cell, index, attempt, isFinal, prompt, mode, level, lag, m);
    }

    private static RequestRow row(long runId, String model, int cell, int index, int attempt, boolean isFinal,
                                  String prompt, String mode, double level, Double lag, Measurement m) {
        return StoreRows.request(runId, new Cell(cell, "measure", model, prompt, mode, level, 0),
                new Attempt(index, attempt, isFinal, Cell.SERIAL.equals(mode) ? index + 1 : null, m, lag, prompt), true);
    }

    private static Measurement ok(Double ttft, Double tpot, Double e2e, int outputTokens) {
        return aMeasurement().startedAt(Instant.now()).prepMs(0.1).ttftMs(ttft).ttfoMs(ttft).e2eMs(e2e).totalMs(e2e)
                .promptTokens(5).outputTokens(outputTokens).tokensSource("usage").outputTokensEstimate(outputTokens)
                .tokensDiffPct(0.0).tpotMs(tpot).decodeTps(tpot == null ? null : 1000 / tpot)
                .e2eTps(outputTokens / (e2e / 1000)).chunkCount(outputTokens).finishReason("stop").responseText("text")
                .streamed(true).build();
    }

    private static Measurement skipped(SkipReason reason) {
        return aMeasurement().startedAt(Instant.now()).skipped(reason, "skipped").streamed(true).build();
    }

    private Map<String, Object> summary(long runId, String model, String prompt, String mode, double level) {
        return jdbc.sql("SELECT * FROM summaries WHERE run_id = ? AND model_alias = ? AND prompt_id = ? AND load_mode = ? "
                        + "AND load_level = ?")
                .params(runId, model, prompt, mode, level).query().singleRow();
    }
}
