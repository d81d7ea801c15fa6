package dev.nightbench.measure;

import dev.nightbench.measure.ClientLimitRules.Inputs;
import dev.nightbench.measure.ClientLimitRules.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientLimitRulesTest {

    /** A healthy closed-loop level at concurrency 16: 20 % CPU, 0.1 ms lag, 15.5 on the wire, far below the ceiling. */
    private static Inputs healthy() {
        return new Inputs(true, 16, 0.20, 2, 1.5, 0.1, 230.0, 15.5, false, 60.0, 900.0, null, 0.01);
    }

    private static Inputs with(Double cpuShare, Double schedLag, Double median, Double steady, boolean retried,
                               Double throughput, Double ceiling) {
        return new Inputs(true, 16, cpuShare, 2, 1.5, schedLag, median, steady, retried, throughput, ceiling, null, 0.02);
    }

    @Test
    void aHealthyLevelIsNotClientLimited() {
        assertThat(ClientLimitRules.decide(healthy())).isEqualTo(new Verdict(false, null));
    }

    @Test
    void aClientUsingNearlyAllItsCoresIsLimited() {
        Verdict v = ClientLimitRules.decide(with(0.95, 0.1, 230.0, 15.5, false, 60.0, 900.0));

        assertThat(v.limited()).isTrue();
        assertThat(v.reason()).startsWith("client CPU 95 % of 2 cores").endsWith("(host load average 1.50, 2 cores for the client)");
        assertThat(ClientLimitRules.decide(with(0.89, 0.1, 230.0, 15.5, false, 60.0, 900.0)).limited()).isFalse();
    }

    @Test
    void schedulingLagCountsAgainstTheFastRequestsTimeWithAFloor() {
        // 10 % of 230 ms = 23 ms
        assertThat(ClientLimitRules.decide(with(0.2, 22.0, 230.0, 15.5, false, 60.0, 900.0)).limited()).isFalse();
        Verdict late = ClientLimitRules.decide(with(0.2, 24.0, 230.0, 15.5, false, 60.0, 900.0));
        assertThat(late.limited()).isTrue();
        assertThat(late.reason()).contains("scheduling lag p95 24.0 ms > 23.0 ms");
        // a server answering in 1 ms: the floor of 2 ms applies, not 0.1 ms
        assertThat(ClientLimitRules.decide(with(0.2, 1.9, 1.0, 15.5, false, 60.0, 900.0)).limited()).isFalse();
        assertThat(ClientLimitRules.decide(with(0.2, 2.1, 1.0, 15.5, false, 60.0, 900.0)).reason())
                .contains("> 2.0 ms");
        // no successful request: no request time, the rule does not apply
        assertThat(ClientLimitRules.decide(with(0.2, 50.0, null, 15.5, false, 60.0, 900.0)).limited()).isFalse();
    }

    @Test
    void fewRequestsOnTheWireWhileEveryWorkerHadWorkMeansTheClientSetThePace() {
        Verdict v = ClientLimitRules.decide(with(0.5, 0.1, 0.3, 5.0, false, 60.0, 900.0));

        assertThat(v.limited()).isTrue();
        assertThat(v.reason()).contains("on average 5.0 of 16 requests on the wire");
        assertThat(ClientLimitRules.decide(with(0.5, 0.1, 0.3, 8.0, false, 60.0, 900.0)).limited()).isFalse();
    }

    @Test
    void workersWaitingForACoreATenthOfTheirRequestsTimeAreStarved() {
        Inputs waited = new Inputs(true, 16, 0.5, 1, 20.9, 1.0, 200.0, 15.0, false, 16.8, 1000.0, null, 0.46);
        Inputs barely = new Inputs(true, 16, 0.5, 1, 20.9, 1.0, 200.0, 15.0, false, 16.8, 1000.0, null, 0.09);

        assertThat(ClientLimitRules.decide(waited).reason())
                .isEqualTo("the workers waited for a core 46 % of their requests' time (>= 10 %) "
                        + "(host load average 20.90, 1 core for the client)");
        assertThat(ClientLimitRules.decide(barely).limited()).isFalse();
    }

    @Test
    void retriesExcuseFewRequestsOnTheWireBecauseBackoffIsNotTheClientsCost() {
        assertThat(ClientLimitRules.decide(with(0.5, 0.1, 0.3, 5.0, true, 60.0, 900.0)).limited()).isFalse();
    }

    @Test
    void throughputNearTheCalibratedCeilingIsTheClientsLimit() {
        Verdict v = ClientLimitRules.decide(with(0.5, 0.1, 0.3, 15.0, false, 250.0, 300.0));

        assertThat(v.limited()).isTrue();
        assertThat(v.reason()).contains("250.0 req/s = 83 % of the client's own ceiling 300.0 req/s at concurrency 16");
        assertThat(ClientLimitRules.decide(with(0.5, 0.1, 0.3, 15.0, false, 230.0, 300.0)).limited()).isFalse();
        assertThat(ClientLimitRules.decide(with(0.5, 0.1, 0.3, 15.0, false, 250.0, null)).limited()).isFalse();
    }

    @Test
    void everyRuleThatHeldIsNamedInTheReason() {
        Verdict v = ClientLimitRules.decide(with(0.97, 40.0, 130.0, 4.0, false, 300.0, 320.0));

        assertThat(v.reason().split("; ")).hasSize(4);
    }

    @Test
    void anOpenLoopIsLimitedWhenItsScheduledLagExceedsATenthOfTheTimeBetweenArrivals() {
        // rate 20: 50 ms between arrivals, bound 5 ms; the in-flight and ceiling rules are closed-loop only
        Inputs late = new Inputs(false, 20, 0.2, 2, null, 0.1, 100.0, 0.5, false, 20.0, 21.0, 7.5, null);
        Inputs onTime = new Inputs(false, 20, 0.2, 2, null, 0.1, 100.0, 0.5, false, 20.0, 21.0, 4.0, null);

        assertThat(ClientLimitRules.decide(late).reason())
                .isEqualTo("scheduled lag p95 7.5 ms > 5.0 ms (10 % of the mean time between arrivals): less load was "
                        + "offered than planned");
        assertThat(ClientLimitRules.decide(onTime).limited()).isFalse();
    }
}
