package dev.nightbench.run;

import dev.nightbench.plan.ScaleSpec;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The job parameters of a Nightbench run. Identifying: the plan name, the run date and, when no run date
 * was given, the launch instant (so an ad-hoc run always starts a new run while a scheduled run with
 * {@code --run-date} runs once per date). The plan path, hash, label, model-failure flag and workers are not
 * identifying; a {@code restart} runs with the parameters of the execution it continues, so it keeps them.
 *
 * @param workers {@code run --workers N}: the run is a manager of N partitions at once, overriding the plan's
 *                {@code scale.workers} ({@link dev.nightbench.plan.ScaleSpec#withWorkers}); null: as the plan says
 */
public record JobParams(String planName, Path planPath, String planHash, LocalDate runDate, String launchKey,
                        String label, boolean failOnModelFailure, Integer workers) {

    public JobParams {
        if (workers != null && (workers < 1 || workers > ScaleSpec.MAX_WORKERS)) {
            throw new IllegalArgumentException("workers must be from 1 to " + ScaleSpec.MAX_WORKERS + ", got " + workers);
        }
    }

    public JobParams(String planName, Path planPath, String planHash, LocalDate runDate, String launchKey, String label,
                     boolean failOnModelFailure) {
        this(planName, planPath, planHash, runDate, launchKey, label, failOnModelFailure, null);
    }

    public JobParams(String planName, Path planPath, String planHash, LocalDate runDate, String launchKey, String label) {
        this(planName, planPath, planHash, runDate, launchKey, label, false);
    }

    static final String PLAN_NAME = "plan.name";
    static final String PLAN_PATH = "plan.path";
    static final String PLAN_HASH = "plan.hash";
    static final String RUN_DATE = "run.date";
    static final String LAUNCH_KEY = "launch.key";
    static final String LABEL = "label";
    static final String FAIL_ON_MODEL_FAILURE = "fail.on.model.failure";
    static final String WORKERS = "scale.workers";

    public JobParameters toJobParameters() {
        JobParametersBuilder b = new JobParametersBuilder()
                .addString(PLAN_NAME, planName, true)
                .addLocalDate(RUN_DATE, runDate, true)
                .addString(PLAN_PATH, planPath.toAbsolutePath().normalize().toString(), false)
                .addString(PLAN_HASH, planHash, false);
        if (launchKey != null) {
            b.addString(LAUNCH_KEY, launchKey, true);
        }
        if (label != null) {
            b.addString(LABEL, label, false);
        }
        if (failOnModelFailure) {
            b.addString(FAIL_ON_MODEL_FAILURE, "true", false);
        }
        if (workers != null) {
            b.addLong(WORKERS, workers.longValue(), false);
        }
        return b.toJobParameters();
    }

    public static JobParams from(JobParameters p) {
        return new JobParams(p.getString(PLAN_NAME), Path.of(p.getString(PLAN_PATH)), p.getString(PLAN_HASH),
                p.getLocalDate(RUN_DATE), p.getString(LAUNCH_KEY), p.getString(LABEL), "true".equals(p.getString(FAIL_ON_MODEL_FAILURE)),
                p.getLong(WORKERS) == null ? null : p.getLong(WORKERS).intValue());
    }
}
