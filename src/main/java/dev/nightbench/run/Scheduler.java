package dev.nightbench.run;

import dev.nightbench.client.ModelProviders;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.PlanException;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.store.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: runs plans on cron schedules, one run at a time, until the process is stopped. Each run is started
 * here, through the {@link RunLauncher}, as an ad-hoc run with the schedule's label. A plan that fails validation at
 * its hour is logged and skipped; the server stays up for the next one. The schedules are checked by the caller
 * before (a valid cron and a plan each). Once the process is asked to stop ({@link GracefulStop}) no further run
 * starts, even when a schedule falls due while the running one is stopping, and {@link #serveUntilStopped} returns
 * as soon as the running one has ended and been reported.
 */
@Component
public class Scheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final ServeProperties properties;
    private final RunLauncher launcher;
    private final GracefulStop gracefulStop;
    private final Retention retention;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ModelProviders providers;

    Scheduler(ServeProperties properties, RunLauncher launcher, GracefulStop gracefulStop, Retention retention) {
        this(properties, launcher, gracefulStop, retention, ModelProviders.installed());
    }

    @org.springframework.beans.factory.annotation.Autowired
    Scheduler(ServeProperties properties, RunLauncher launcher, GracefulStop gracefulStop, Retention retention,
              ModelProviders providers) {
        this.providers = providers;
        this.properties = properties;
        this.retention = retention;
        this.launcher = launcher;
        this.gracefulStop = gracefulStop;
        gracefulStop.onStop(stopped::countDown);
    }

    /** A plan loader that knows this context's model providers (services and beans). */
    public PlanLoader plans() {
        return PlanLoader.with(providers);
    }

    /** Told how each scheduled run ended, e.g. to print it; it starts nothing. */
    @FunctionalInterface
    public interface RunEnded {
        void ended(LoadedPlan plan, RunLauncher.Launch launch);
    }

    /** Runs the schedules until the application shuts down; {@code ended} hears of every run. */
    public void serveUntilStopped(RunEnded ended) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1); // one run at a time; a late run waits for the one before it
        scheduler.setThreadNamePrefix("nightbench-serve-");
        // on stop: drop schedules not yet due, and wait for the running run to end and be reported
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(120);
        scheduler.initialize();
        try {
            for (ServeProperties.Schedule s : properties.schedules()) {
                ZoneId zone = s.zone() == null ? ZoneId.systemDefault() : ZoneId.of(s.zone());
                scheduler.schedule(() -> runOnce(s, ended), new CronTrigger(s.cron(), zone));
                log.info("Scheduled {} at '{}' ({}); next at {}", s.plan(), s.cron(), zone,
                        CronExpression.parse(s.cron()).next(java.time.ZonedDateTime.now(zone)));
            }
            ServeProperties.Prune prune = properties.prune();
            if (prune != null && prune.cron() != null) {
                ZoneId zone = prune.zone() == null ? ZoneId.systemDefault() : ZoneId.of(prune.zone());
                scheduler.schedule(() -> pruneOnce(prune), new CronTrigger(prune.cron(), zone));
                log.info("Scheduled prune --older-than {}{} at '{}' ({})", prune.olderThan(),
                        prune.keep() ? " --keep-summaries" : "", prune.cron(), zone);
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdown();
        }
    }

    private void runOnce(ServeProperties.Schedule s, RunEnded ended) {
        if (gracefulStop.stopping()) {
            log.info("Not starting the scheduled run of {}: Nightbench is stopping", s.plan());
            return;
        }
        try {
            LoadedPlan plan = plans().loadWithSnapshot(Path.of(s.plan()));
            RunLauncher.Launch launch = launcher.start(launcher.params(plan.plan(), null, s.label(), false));
            ended.ended(plan, launch);
        } catch (PlanException e) {
            log.error("Scheduled plan {} is not valid, skipped: {}", s.plan(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Scheduled run of {} failed: {}", s.plan(), e.toString());
        }
    }

    private void pruneOnce(ServeProperties.Prune prune) {
        if (gracefulStop.stopping()) {
            return;
        }
        try {
            Retention.Result r = retention.prune(new Retention.Request(Retention.age(prune.olderThan()),
                    prune.keep() ? Retention.Mode.KEEP_SUMMARIES : Retention.Mode.WHOLE_RUNS, false, 10_000, 0));
            log.info("Scheduled prune: {} run(s) before {}, {} rows deleted {}", r.runs().size(), r.cutoff(), r.total(),
                    r.deleted());
        } catch (RuntimeException e) { // the next one finishes what this one left
            log.error("Scheduled prune failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        stopped.countDown();
    }
}
