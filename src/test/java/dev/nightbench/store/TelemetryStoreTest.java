package dev.nightbench.store;

import dev.nightbench.plan.Plan;
import dev.nightbench.support.TestDatabase;
import dev.nightbench.telemetry.ModelTelemetry;
import dev.nightbench.telemetry.TelemetrySource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static dev.nightbench.plan.PlanFixtures.aPlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * V15 on a real PostgreSQL: peak and mean from the samples, a second execution of the run (a restart) adding its
 * samples and failed polls and keeping the facts it did not find again, and the telemetry vocabulary matching the
 * columns' CHECK lists.
 */
class TelemetryStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-06T02:00:00Z");

    private JdbcClient jdbc;
    private TelemetryStore store;
    private long runId;

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.newDatabase(), "postgres", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        store = new TelemetryStore(jdbc, new JdbcTemplate(dataSource));
        Plan plan = aPlan().withModels("small").build();
        runId = new RunStore(jdbc).register(new RunStore.NewRun(7L, plan, "snapshot", LocalDate.of(2026, 12, 6), null,
                "test", "dev", T0, 1));
    }

    private TelemetryStore.SampleRow sample(String metric, double value, int second) {
        return new TelemetryStore.SampleRow(runId, "small", "ollama", "ollama", metric, value, T0.plusSeconds(second));
    }

    @Test
    void peaksAndMeansComeFromEverySampleOfEveryExecution() {
        store.insertSamples(List.of(sample("memory_mb", 4000, 0), sample("vram_mb", 3000, 0),
                sample("memory_mb", 5000, 5), sample("vram_mb", 3500, 5), sample("context_length", 4096, 5)));
        store.record(new TelemetryStore.ModelRow(runId, "small", "ollama", "ollama", "ok", null, 0, "ollama 0.5.1",
                131072, "4.3B", "Q4_K_M", "Gemma Terms of Use", null, T0.plusSeconds(6)));
        // a restart: one more sample, one failed poll, and no facts this time
        store.insertSamples(List.of(sample("memory_mb", 6000, 60)));
        store.record(new TelemetryStore.ModelRow(runId, "small", "ollama", "ollama", "ok", "ollama: HTTP 500", 1, null,
                null, null, null, null, null, T0.plusSeconds(61)));

        TelemetryStore.Summary s = store.summaries(runId).getFirst();
        assertThat(s.status()).isEqualTo("ok");
        assertThat(s.samples()).isEqualTo(3);
        assertThat(s.pollsFailed()).isEqualTo(1);
        assertThat(s.detail()).isEqualTo("ollama: HTTP 500");
        assertThat(s.memoryMbPeak()).isEqualTo(6000.0);
        assertThat(s.vramMbPeak()).isEqualTo(3500.0);
        assertThat(jdbc.sql("SELECT memory_mb_mean FROM run_model_telemetry").query(Double.class).single())
                .isCloseTo(5000.0, within(1e-9));
        assertThat(s.contextSize()).isEqualTo(4096); // the running context (/api/ps) over the trained one (/api/show)
        assertThat(s.serverVersion()).isEqualTo("ollama 0.5.1");
        assertThat(s.parameters()).isEqualTo("4.3B");
        assertThat(s.quantization()).isEqualTo("Q4_K_M");
        assertThat(s.licence()).isEqualTo("Gemma Terms of Use");
    }

    @Test
    void noTelemetryStaysSoWithoutSamples() {
        store.record(new TelemetryStore.ModelRow(runId, "small", "plain", "endpoint", "no_telemetry",
                "GET /metrics: HTTP 404", 0, null, null, null, null, null, null, T0));

        TelemetryStore.Summary s = store.summaries(runId).getFirst();
        assertThat(s.source()).isEqualTo("endpoint");
        assertThat(s.status()).isEqualTo("no_telemetry");
        assertThat(s.samples()).isZero();
        assertThat(s.memoryMbPeak()).isNull();
    }

    @Test
    void theTelemetryVocabularyIsTheColumnsCheckLists() {
        String ddl = jdbc.sql("SELECT string_agg(pg_get_constraintdef(oid), ' ') FROM pg_constraint"
                + " WHERE conrelid = 'run_model_telemetry'::regclass AND contype = 'c'").query(String.class).single();
        for (TelemetrySource s : TelemetrySource.values()) {
            assertThat(ddl).contains("'" + s.value() + "'");
        }
        Arrays.stream(ModelTelemetry.Status.values()).forEach(s -> assertThat(ddl).contains("'" + s.value() + "'"));
        String samples = jdbc.sql("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = 'telemetry_samples'::regclass AND contype = 'c'").query(String.class).single();
        Arrays.stream(TelemetrySource.values()).filter(s -> s != TelemetrySource.ENDPOINT)
                .forEach(s -> assertThat(samples).contains("'" + s.value() + "'"));
    }
}
