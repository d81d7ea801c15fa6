package dev.nightbench.cli;

/**
 * {@code --baseline RUN} of {@code run} and {@code report}: not a setting of its own but the two that already choose a
 * fixed baseline, {@code nightbench.report.mode=PINNED} and {@code nightbench.report.pinned-run-id=RUN}
 * ({@code report.TrendSettings}), for one command.
 */
final class BaselineOption {

    private BaselineOption() {
    }

    /** {@code --baseline RUN}, a run id, or null. */
    static Long parse(Args args, String usage) {
        String value = args.option("baseline");
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--baseline must be a run id (a number), not '" + value + "'", usage);
        }
    }

    /**
     * {@code --baseline RUN} as the settings it stands for, {@code nightbench.report.mode=PINNED} and
     * {@code nightbench.report.pinned-run-id=RUN}, passed as Spring command-line arguments so that they win over the
     * same settings from the environment or application.yaml for this command only.
     */
    static String[] springArgs(Long baseline) {
        return baseline == null ? new String[0] : new String[] {"--nightbench.report.mode=PINNED",
                "--nightbench.report.pinned-run-id=" + baseline};
    }
}
