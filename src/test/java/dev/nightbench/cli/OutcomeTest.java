package dev.nightbench.cli;

import dev.nightbench.cli.Outcome.Line;
import dev.nightbench.cli.Outcome.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit code is a function of a command's outcome alone: no Spring, no streams. */
class OutcomeTest {

    @Test
    void eachStatusHasTheExitCodeTheUsageTextDocuments() {
        assertThat(Outcome.of(Status.OK).exitCode()).isEqualTo(0);
        assertThat(Outcome.of(Status.JOB_FAILED).exitCode()).isEqualTo(1);
        assertThat(Outcome.of(Status.BAD_INPUT).exitCode()).isEqualTo(2);
        assertThat(Outcome.of(Status.REGRESSION).exitCode()).isEqualTo(3);
        assertThat(Outcome.of(Status.MODEL_FAILED).exitCode()).isEqualTo(4);
        assertThat(Cli.USAGE).contains("Exit codes: 0 ok, 1 job failed or stopped, 2 bad input or usage, 3 regression")
                .contains("4 completed but a model failed");
    }

    @Test
    void theLinesDoNotChangeTheExitCode() {
        Outcome quiet = Outcome.of(Status.REGRESSION);
        Outcome loud = Outcome.builder().out("Run 7 COMPLETED").err("Run 7 regressed").end(Status.REGRESSION);

        assertThat(loud.exitCode()).isEqualTo(quiet.exitCode());
    }

    @Test
    void linesKeepTheirOrderAndTheirStream() {
        Outcome outcome = Outcome.builder().out("first").err("second").out("third").end(Status.JOB_FAILED);

        assertThat(outcome.lines()).containsExactly(Line.out("first"), Line.err("second"), Line.out("third"));
        assertThat(outcome.lines()).extracting(Line::toStderr).containsExactly(false, true, false);
    }

    @Test
    void theCliConstantsAreTheStatusesExitCodes() {
        assertThat(List.of(Cli.OK, Cli.JOB_FAILED, Cli.BAD_INPUT, Cli.REGRESSION, Cli.MODEL_FAILED))
                .containsExactly(0, 1, 2, 3, 4);
    }
}
