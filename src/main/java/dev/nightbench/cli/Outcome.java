package dev.nightbench.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What a command has to say and how it ended. Commands return one instead of printing and choosing an exit code
 * along the way: {@link Cli} prints the lines, in order, each to stdout or stderr, and the process exits with
 * {@link #exitCode()}, which depends on the {@link Status} alone.
 *
 * @param status how the command ended
 * @param lines  what to print, one line each (without the line separator)
 */
record Outcome(Status status, List<Line> lines) {

    Outcome {
        lines = List.copyOf(lines);
    }

    /** How a command ended, with its exit code (documented in {@link Cli}'s usage text). */
    enum Status {
        /** Success. */
        OK(0),
        /** The job failed or was stopped, or a check or the command itself failed. */
        JOB_FAILED(1),
        /** Bad input or usage, including a run refused because the same plan and date is running or done. */
        BAD_INPUT(2),
        /** A regression was found with {@code --fail-on-regression}. */
        REGRESSION(3),
        /** The run completed but a model failed or was unavailable. */
        MODEL_FAILED(4);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /** One line of output and the stream it belongs on. */
    record Line(boolean toStderr, String text) {

        static Line out(String text) {
            return new Line(false, text);
        }

        static Line err(String text) {
            return new Line(true, text);
        }
    }

    /** The process's exit code: a function of the status only. */
    int exitCode() {
        return status.exitCode();
    }

    static Outcome of(Status status, Line... lines) {
        return new Outcome(status, List.of(lines));
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects lines in the order they are to be printed, then ends with a status. */
    static final class Builder {

        private final List<Line> lines = new ArrayList<>();

        Builder out(String text) {
            lines.add(Line.out(text));
            return this;
        }

        Builder err(String text) {
            lines.add(Line.err(text));
            return this;
        }

        Outcome end(Status status) {
            return new Outcome(status, lines);
        }
    }
}
