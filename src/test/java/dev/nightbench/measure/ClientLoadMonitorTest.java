package dev.nightbench.measure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

class ClientLoadMonitorTest {

    private static final long MS = 1_000_000;

    @Test
    void requestsOnTheWireAreAveragedOverTimeAndTheirPeakCounted() {
        // 0-100 ms, 0-50 ms, 50-100 ms: two on the wire all along; the one closing at 50 ms and the one opening
        // at 50 ms do not overlap
        ClientLoadMonitor.Wire w = ClientLoadMonitor.wire(new long[]{0, 0, 50 * MS}, new long[]{100 * MS, 50 * MS, 100 * MS}, 1);

        assertThat(w.mean()).isCloseTo(2.0, within(1e-9));
        assertThat(w.max()).isEqualTo(2);
        assertThat(w.spans()).isEqualTo(3);
        // first send 0 to last send 50 ms: two on the wire
        assertThat(w.steadyMean()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void theSteadyMeanEndsAtTheLastSendSoTheDrainingTailDoesNotCount() {
        // 4 sent at 0..30 ms, each 100 ms: the tail after the last send drains from 4 to 0
        long[] sent = {0, 10 * MS, 20 * MS, 30 * MS};
        long[] closed = {100 * MS, 110 * MS, 120 * MS, 130 * MS};

        ClientLoadMonitor.Wire w = ClientLoadMonitor.wire(sent, closed, 1);

        assertThat(w.mean()).isCloseTo(400.0 / 130, within(1e-9));
        assertThat(w.steadyMean()).isCloseTo((30 + 20 + 10 + 0) / 30.0, within(1e-9));
        assertThat(w.max()).isEqualTo(4);
        assertThat(ClientLoadMonitor.wire(sent, closed, 31).steadyMean()).as("window shorter than asked").isNull();
    }

    @Test
    void aWorkersWaitForACoreIsReadFromItsOwnThreadsSchedstat() throws InterruptedException {
        assumeThat(ClientLoadMonitor.runQueueWaitNanos()).as("Linux schedstat").isNotNegative();
        ClientLoadMonitor monitor = new ClientLoadMonitor().start();
        Thread worker = Thread.ofPlatform().start(() -> {
            monitor.onEnter();
            long until = System.nanoTime() + 50 * MS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            monitor.onExit();
        });
        worker.join();

        assertThat(monitor.stop(1).workerWaitShare()).isNotNull().isBetween(0.0, 1.0);
    }

    @Test
    void nothingOnTheWireGivesNoFigures() {
        assertThat(ClientLoadMonitor.wire(new long[0], new long[0], 1))
                .isEqualTo(new ClientLoadMonitor.Wire(null, null, 0, 0));
    }

    @Test
    void theMonitorReadsCpuProcessorsAndTheProbesLag() throws InterruptedException {
        ClientLoadMonitor monitor = new ClientLoadMonitor().start();
        Thread.sleep(200);
        monitor.onWire(System.nanoTime() - 50 * MS, System.nanoTime());

        ClientLoadMonitor.Reading r = monitor.stop(1);

        assertThat(r.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(r.cpuShare()).isNotNull().isBetween(0.0, 1.0 + 1e-6);
        // 200 ms at one wake-up per 2 ms: at least a few dozen samples even on a busy machine
        assertThat(r.probeSamples()).isGreaterThan(20);
        assertThat(r.schedLagMsP95()).isNotNull().isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(r.schedLagMsMax());
        assertThat(r.wire().spans()).isEqualTo(1);
        assertThat(r.workerWaitShare()).as("no worker entered").isNull();
        assertThat(r.wire().max()).isEqualTo(1);
    }
}
