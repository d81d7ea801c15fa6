package dev.nightbench.store;

import dev.nightbench.client.FailureClass;
import dev.nightbench.measure.Cell;
import dev.nightbench.measure.CellExecutor.Attempt;
import dev.nightbench.measure.Measurement;
import dev.nightbench.plan.PlanFixtures;
import dev.nightbench.run.StoreRows;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.measure.Measurements.aMeasurement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What the schema and the stores promise, run against every PostgreSQL we test on: the embedded server
 * always, a Testcontainers server where Docker exists.
 */
abstract class StoreContract {

    abstract String jdbcUrl();

    abstract String user();

    abstract String password();

    JdbcClient jdbc;
    RunStore runs;
    RequestStore requests;
    SummaryStore summaries;

    @BeforeEach
    void migrate() {
        Flyway.configure().dataSource(jdbcUrl(), user(), password()).locations("filesystem:db/migration")
                .cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(jdbcUrl(), user(), password()).locations("filesystem:db/migration").load().migrate();
        DriverManagerDataSource ds = new DriverManagerDataSource(jdbcUrl(), user(), password());
        jdbc = JdbcClient.create(ds);
        runs = new RunStore(jdbc);
        requests = new RequestStore(new JdbcTemplate(ds), jdbc);
        summaries = new SummaryStore(jdbc);
    }

    long aRun() {
        return runs.register(new RunStore.NewRun(1L, PlanFixtures.aPlan().build(), "plan text", LocalDate.of(2026, 11, 22),
                null, "host", "test", Instant.parse("2026-11-22T02:00:00Z"), 1));
    }

    static Measurement ok(double ttft, double e2e, int tokens) {
        double tpot = (e2e - ttft) / (tokens - 1);
        return aMeasurement().startedAt(Instant.now()).prepMs(0.1).ttftMs(ttft).ttfoMs(ttft).e2eMs(e2e)
                .totalMs(e2e + 1).promptTokens(5).outputTokens(tokens).tokensSource("usage").outputTokensEstimate(tokens)
                .tokensDiffPct(0.0).tpotMs(tpot).decodeTps(1000 / tpot).e2eTps(tokens / (e2e / 1000)).chunkCount(tokens)
                .gapsMs(tpot, tpot, tpot, tpot).finishReason("stop").responseText("answer").streamed(true).build();
    }

    /** A request row of model "sim-fast", prompt "capital", serial load, as the job stores it. */
    static RequestRow row(long runId, int cell, int index, int attempt, boolean isFinal, Measurement m) {
        return StoreRows.request(runId, new Cell(cell, "measure", "sim-fast", "capital", Cell.SERIAL, 1, 0),
                new Attempt(index, attempt, isFinal, index + 1, m, null, null), true);
    }

    @Test
    void registeringTheSameJobInstanceTwiceReturnsTheSameRun() {
        assertThat(aRun()).isEqualTo(aRun());
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void theSameAttemptCannotBeStoredTwice() {
        long runId = aRun();
        requests.insert(List.of(row(runId, 0, 0, 1, true, ok(100, 500, 11))));

        assertThatThrownBy(() -> requests.insert(List.of(row(runId, 0, 0, 1, true, ok(100, 500, 11)))))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(requests.cellStored(runId, "measure", 0)).isTrue();
        assertThat(requests.cellStored(runId, "measure", 1)).isFalse();
    }

    @Test
    void aggregatesCountEachRequestByItsFinalAttemptAndInterpolatePercentilesLinearly() {
        long runId = aRun();
        List<RequestRow> rows = new ArrayList<>();
        double[] ttfts = {100, 200, 300, 400, 1000};
        for (int i = 0; i < ttfts.length; i++) {
            rows.add(row(runId, 0, i, 1, true, ok(ttfts[i], ttfts[i] + 500, 11)));
        }
        // a retried request: the failed first attempt is stored but does not count
        Measurement failed = aMeasurement().startedAt(Instant.now()).totalMs(5.0).failed(FailureClass.HTTP_5XX, "boom")
                .httpStatus(503).streamed(true).build();
        rows.add(row(runId, 0, 5, 1, false, failed));
        rows.add(row(runId, 0, 5, 2, true, ok(500, 1000, 11)));
        requests.insert(rows);

        summaries.aggregate(runId);

        var s = jdbc.sql("SELECT requests, ok_requests, ttft_ms_p50, ttft_ms_p95, ttft_ms_mean FROM summaries "
                + "WHERE run_id = ? AND prompt_id = '*'").param(runId).query().singleRow();
        assertThat(s.get("requests")).isEqualTo(6);
        assertThat(s.get("ok_requests")).isEqualTo(6);
        // numpy: percentile([100,200,300,400,500,1000], 50) = 350, 95 -> 875
        assertThat((Double) s.get("ttft_ms_p50")).isCloseTo(350.0, within(1e-9));
        assertThat((Double) s.get("ttft_ms_p95")).isCloseTo(875.0, within(1e-9));
        assertThat((Double) s.get("ttft_ms_mean")).isCloseTo(416.6666666, within(1e-6));
    }
}
