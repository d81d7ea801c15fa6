package dev.nightbench.run;

import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.PlanException;
import dev.nightbench.plan.PlanLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;

/**
 * {@code serve}: runs plans on cron schedules, one run at a time, until the process is stopped. A plan that
 * fails validation at its hour is logged and skipped; the server stays up for the next one.
 */
@Component
@EnableConfigurationProperties(ServeProperties.class)
public class Scheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final ServeProperties properties;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Scheduler(ServeProperties properties) {
        this.properties = properties;
    }

    /** Blocks until the application shuts down; returns 2 when no valid schedule is configured. */
    public int serveUntilStopped(BiFunction<LoadedPlan, String, Integer> runner) {
        if (properties.schedules().isEmpty()) {
            System.err.println("nightbench serve: no schedule configured. Set NIGHTBENCH_SERVE_SCHEDULES_0_CRON and "
                    + "NIGHTBENCH_SERVE_SCHEDULES_0_PLAN (or nightbench.serve.schedules in application.yaml).");
            return 2;
        }
        for (int i = 0; i < properties.schedules().size(); i++) {
            ServeProperties.Schedule s = properties.schedules().get(i);
            if (s.cron() == null || !CronExpression.isValidExpression(s.cron()) || s.plan() == null) {
                System.err.printf("nightbench serve: schedule %d needs a valid cron (6 fields: second minute hour day "
                        + "month weekday) and a plan; got cron='%s' plan='%s'%n", i, s.cron(), s.plan());
                return 2;
            }
            new PlanLoader().loadWithSnapshot(Path.of(s.plan())); // fail fast at startup on a bad plan (exit 2)
        }
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1); // one run at a time; a late run waits for the one before it
        scheduler.setThreadNamePrefix("nightbench-serve-");
        scheduler.initialize();
        try {
            for (ServeProperties.Schedule s : properties.schedules()) {
                ZoneId zone = s.zone() == null ? ZoneId.systemDefault() : ZoneId.of(s.zone());
                scheduler.schedule(() -> runOnce(s, runner), new CronTrigger(s.cron(), zone));
                log.info("Scheduled {} at '{}' ({}); next at {}", s.plan(), s.cron(), zone,
                        CronExpression.parse(s.cron()).next(java.time.ZonedDateTime.now(zone)));
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdown();
        }
        return 0;
    }

    private void runOnce(ServeProperties.Schedule s, BiFunction<LoadedPlan, String, Integer> runner) {
        try {
            LoadedPlan plan = new PlanLoader().loadWithSnapshot(Path.of(s.plan()));
            int code = runner.apply(plan, s.label());
            log.info("Scheduled run of {} ended with exit code {}", s.plan(), code);
        } catch (PlanException e) {
            log.error("Scheduled plan {} is not valid, skipped: {}", s.plan(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Scheduled run of {} failed: {}", s.plan(), e.toString());
        }
    }

    @Override
    public void close() {
        stopped.countDown();
    }
}
