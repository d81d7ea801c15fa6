package dev.nightbench.run;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * SIGTERM while {@code serve} runs a plan: the run stops, no schedule that falls due meanwhile starts another (it
 * would be cut off when the context closes, leaving a second unfinished run), and {@code serve} returns once the
 * stopped run has been reported.
 */
class SchedulerStopTest {

    @Test
    void aStopDuringAScheduledRunStartsNoFurtherRunAndReturnsOnceTheRunIsReported() throws Exception {
        // given: a schedule due every second, whose first run holds until it is told to stop
        JobOperator jobOperator = mock(JobOperator.class);
        GracefulStop gracefulStop = new GracefulStop(jobOperator);
        CountDownLatch stopRequested = new CountDownLatch(1);
        doAnswer(call -> {
            stopRequested.countDown();
            return true;
        }).when(jobOperator).stop(anyLong());
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        RunLauncher launcher = mock(RunLauncher.class);
        when(launcher.params(any(), any(), any(), anyBoolean())).thenReturn(null);
        when(launcher.start(any())).thenAnswer(call -> {
            starts.incrementAndGet();
            gracefulStop.started(1L);
            firstRunStarted.countDown();
            assertThat(stopRequested.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(2_000); // the stopped run finishes its cell while the schedule falls due twice
            gracefulStop.ended(1L);
            JobExecution stopped = new JobExecution(1L, new JobInstance(1L, "nightlyBenchmarkJob"), new JobParameters());
            stopped.setStatus(BatchStatus.STOPPED);
            return new RunLauncher.Launch.Ran(stopped);
        });
        Scheduler scheduler = new Scheduler(new ServeProperties(List.of(
                new ServeProperties.Schedule("* * * * * *", "jobs/demo.yaml", "nightly", "UTC"))), launcher, gracefulStop, null);
        AtomicInteger reported = new AtomicInteger();
        CountDownLatch served = new CountDownLatch(1);
        Thread serve = Thread.ofPlatform().start(() -> {
            scheduler.serveUntilStopped((plan, launch) -> reported.incrementAndGet());
            served.countDown();
        });
        assertThat(firstRunStarted.await(30, TimeUnit.SECONDS)).isTrue();

        // when: SIGTERM (the shutdown hook's call)
        boolean wasRunning = gracefulStop.stopAndWait(Duration.ofSeconds(30));

        // then
        assertThat(wasRunning).isTrue();
        assertThat(served.await(30, TimeUnit.SECONDS)).as("serve returned after the stop").isTrue();
        assertThat(reported).as("the stopped run was reported before serve returned").hasValue(1);
        Thread.sleep(1_500); // a schedule due now must not start anything either
        assertThat(starts).as("runs started").hasValue(1);
        serve.join(5_000);
    }
}
