package dev.nightbench.run;

import java.util.List;

/**
 * What {@code serve} runs and when, from {@code nightbench.serve.*}, e.g.
 * {@code NIGHTBENCH_SERVE_SCHEDULES_0_CRON="0 0 2 * * *"} and {@code NIGHTBENCH_SERVE_SCHEDULES_0_PLAN=jobs/demo.yaml}.
 * Bound as the {@code serve} branch of the application's one settings tree and handed to {@link Scheduler} as a
 * bean of its own, so {@code run} never sees the tree's root.
 *
 * @param schedules plans with a Spring cron expression (second minute hour day month weekday)
 */
public record ServeProperties(List<Schedule> schedules) {

    public ServeProperties {
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /**
     * @param cron  Spring cron expression
     * @param plan  plan file
     * @param label optional label for the runs
     * @param zone  time zone of the cron expression (default: the system's)
     */
    public record Schedule(String cron, String plan, String label, String zone) {
    }
}
