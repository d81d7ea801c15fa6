package dev.nightbench.run;

import org.springframework.boot.context.properties.bind.ConstructorBinding;

import java.util.List;

/**
 * What {@code serve} runs and when, from {@code nightbench.serve.*}, e.g.
 * {@code NIGHTBENCH_SERVE_SCHEDULES_0_CRON="0 0 2 * * *"} and {@code NIGHTBENCH_SERVE_SCHEDULES_0_PLAN=jobs/demo.yaml}.
 * Bound as the {@code serve} branch of the application's one settings tree and handed to {@link Scheduler} as a
 * bean of its own, so {@code run} never sees the tree's root.
 *
 * @param schedules plans with a Spring cron expression (second minute hour day month weekday)
 * @param prune     retention on a schedule of its own ({@code nightbench.serve.prune.*}), or null for none
 */
public record ServeProperties(List<Schedule> schedules, Prune prune) {

    @ConstructorBinding
    public ServeProperties {
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    public ServeProperties(List<Schedule> schedules) {
        this(schedules, null);
    }

    /**
     * @param cron  Spring cron expression
     * @param plan  plan file
     * @param label optional label for the runs
     * @param zone  time zone of the cron expression (default: the system's)
     */
    public record Schedule(String cron, String plan, String label, String zone) {
    }

    /**
     * {@code nightbench prune} on a schedule, e.g. {@code NIGHTBENCH_SERVE_PRUNE_CRON="0 30 5 * * SUN"} and
     * {@code NIGHTBENCH_SERVE_PRUNE_OLDER_THAN=180d}. It runs on the scheduler's one thread, so never beside a run.
     *
     * @param cron          Spring cron expression; null: no scheduled prune
     * @param olderThan     an age such as 180d ({@link dev.nightbench.store.Retention#age})
     * @param keepSummaries keep the runs, their summaries and comparisons (default true: only the request rows go)
     * @param zone          time zone of the cron expression (default: the system's)
     */
    public record Prune(String cron, String olderThan, Boolean keepSummaries, String zone) {

        public boolean keep() {
            return keepSummaries == null || keepSummaries;
        }
    }
}
