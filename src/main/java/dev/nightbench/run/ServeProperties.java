package dev.nightbench.run;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * What {@code serve} runs and when, e.g. {@code NIGHTBENCH_SERVE_SCHEDULES_0_CRON="0 0 2 * * *"} and
 * {@code NIGHTBENCH_SERVE_SCHEDULES_0_PLAN=jobs/demo.yaml}.
 *
 * @param schedules plans with a Spring cron expression (second minute hour day month weekday)
 */
@ConfigurationProperties("nightbench.serve")
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
