package dev.nightbench.support;

import dev.nightbench.NightbenchApplication;
import dev.nightbench.client.ModelProviders;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.run.JobParams;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.annotation.DirtiesContext;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicLong;

/** Whole-job tests: the real Spring Batch job on a fresh real PostgreSQL database per test class. */
@SpringBootTest(classes = NightbenchApplication.class)
@DirtiesContext // each class gets its own context, database and reports directory
public abstract class JobTestSupport {

    private static final AtomicLong LAUNCHES = new AtomicLong();

    @TempDir
    protected static Path reports;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = TestDatabase.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("nightbench.reports-dir", () -> reports.toString());
    }

    @Autowired
    protected JobOperator jobOperator;
    @Autowired
    protected Job nightlyBenchmarkJob;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected ModelProviders modelProviders; // the context's: services and ModelProvider beans

    protected JobExecution launch(Path plan) throws Exception {
        return launch(plan, false);
    }

    protected JobExecution launch(Path plan, boolean failOnModelFailure) throws Exception {
        var loaded = PlanLoader.with(modelProviders).loadWithSnapshot(plan);
        JobParams params = new JobParams(loaded.plan().name(), plan, loaded.plan().hash(), LocalDate.of(2026, 11, 22),
                "launch-" + LAUNCHES.incrementAndGet() + "-" + System.nanoTime(), "test", failOnModelFailure);
        return jobOperator.start(nightlyBenchmarkJob, params.toJobParameters());
    }

    protected long runId(JobExecution e) {
        return jdbc.sql("SELECT run_id FROM runs WHERE job_instance_id = ?").param(e.getJobInstanceId())
                .query(Long.class).single();
    }

    protected long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }
}
