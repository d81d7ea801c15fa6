package dev.nightbench.cli;

import dev.nightbench.plan.ScaleSpec;

/** The options of {@code nightbench run} beyond those {@link Cli} reads itself: its usage text and {@code --workers}. */
final class RunOptions {

    static final String USAGE = """
            Usage: nightbench run [--plan FILE] [--label TEXT] [--run-date YYYY-MM-DD] [--baseline RUN]
                                  [--workers N] [--fail-on-regression] [--fail-on-model-failure]
              --plan FILE               the plan (default jobs/demo.yaml)
              --label TEXT              a free label stored with the run ('compare --label' finds it)
              --baseline RUN            compare with run RUN (nightbench.report.mode=PINNED, pinned-run-id)
              --run-date DATE           the night this run stands for; identifies the run, so a scheduler
                                        that passes it runs each plan once per date, and finishes a date
                                        whose process died (default: today, always a new run)
              --workers N               run the measure cells as partitions, N at once (1 to %d): threads of
                                        this process, or 'nightbench worker' processes when a broker is set
                                        (NIGHTBENCH_RABBIT_URL); overrides the plan's scale.workers and, in a
                                        plan without scale:, partitions by endpoint. 'restart' keeps it.
              --fail-on-regression      exit 3 when the run regressed against its baseline
              --fail-on-model-failure   a failed or unavailable model fails the run (exit 1) instead of
                                        completing it with exit 4
            """.formatted(ScaleSpec.MAX_WORKERS);

    private RunOptions() {
    }

    /** {@code --workers N}, a whole number from 1 to {@value ScaleSpec#MAX_WORKERS}; null when not given. */
    static Integer workers(Args args) {
        String text = args.option("workers");
        if (text == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= ScaleSpec.MAX_WORKERS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--workers '" + text + "' is not a whole number from 1 to " + ScaleSpec.MAX_WORKERS,
                USAGE);
    }
}
