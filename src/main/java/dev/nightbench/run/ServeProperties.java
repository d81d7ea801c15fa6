package dev.nightbench.run;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * What {@code serve} runs and when, from {@code nightbench.serve.*}, e.g.
 * {@code NIGHTBENCH_SERVE_SCHEDULES_0_CRON="0 0 2 * * *"} and {@code NIGHTBENCH_SERVE_SCHEDULES_0_PLAN=jobs/demo.yaml},
 * and where its read-only dashboard listens ({@code NIGHTBENCH_SERVE_BIND}, {@code NIGHTBENCH_SERVE_PORT},
 * {@code NIGHTBENCH_SERVE_TOKEN}). Bound as the {@code serve} branch of the application's one settings tree and
 * handed to {@link Scheduler} as a bean of its own, so {@code run} never sees the tree's root.
 *
 * @param schedules plans with a Spring cron expression (second minute hour day month weekday)
 * @param bind      the dashboard's address (default {@value #DEFAULT_BIND}: this machine only)
 * @param port      the dashboard's port (default {@value #DEFAULT_PORT}; 0 picks a free one)
 * @param token     when set, every dashboard request needs it ({@code Authorization: Bearer}, {@code ?token=});
 *                  never printed: {@link #toString()} hides it
 * @param prune     retention on a schedule of its own ({@code nightbench.serve.prune.*}), or null for none
 */
public record ServeProperties(List<Schedule> schedules, @DefaultValue(DEFAULT_BIND) String bind,
                             @DefaultValue("" + DEFAULT_PORT) int port, String token, Prune prune) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;

    @ConstructorBinding
    public ServeProperties {
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
        bind = bind == null || bind.isBlank() ? DEFAULT_BIND : bind.strip();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("nightbench.serve.port (NIGHTBENCH_SERVE_PORT) must be a port from 0 to "
                    + "65535 (0: any free one), not " + port);
        }
        token = token == null || token.isBlank() ? null : token.strip();
    }

    /** Schedules alone; the dashboard on {@value #DEFAULT_BIND}:{@value #DEFAULT_PORT} without a token, no prune. */
    public ServeProperties(List<Schedule> schedules) {
        this(schedules, DEFAULT_BIND, DEFAULT_PORT, null, null);
    }

    /** The dashboard's settings without a prune schedule. */
    public ServeProperties(List<Schedule> schedules, String bind, int port, String token) {
        this(schedules, bind, port, token, null);
    }

    /** Schedules and a prune schedule; the dashboard's defaults. */
    public ServeProperties(List<Schedule> schedules, Prune prune) {
        this(schedules, DEFAULT_BIND, DEFAULT_PORT, null, prune);
    }

    /** Without the token's value: settings may be logged, a secret never is. */
    @Override
    public String toString() {
        return "ServeProperties[schedules=" + schedules + ", bind=" + bind + ", port=" + port + ", token="
                + (token == null ? "none" : "(set)") + ", prune=" + prune + "]";
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
