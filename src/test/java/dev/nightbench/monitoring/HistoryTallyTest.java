package dev.nightbench.monitoring;

import dev.nightbench.monitoring.HistoryTally.RequestKey;
import dev.nightbench.monitoring.HistoryTally.RunCounts;
import dev.nightbench.monitoring.HistoryTally.RunRow;
import dev.nightbench.monitoring.HistoryTally.Snapshot;
import dev.nightbench.monitoring.HistoryTally.StepTotal;
import dev.nightbench.store.RunStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTallyTest {

    private static final Instant T1 = Instant.parse("2026-12-01T02:10:00Z");
    private static final Instant T2 = Instant.parse("2026-12-02T02:12:00Z");

    /** The database's counts per run, and which runs each call asked for. */
    private final Map<Long, RunCounts> database = new HashMap<>();
    private final List<List<Long>> asked = new ArrayList<>();
    private final Function<List<Long>, Map<Long, RunCounts>> count = ids -> {
        asked.add(ids);
        Map<Long, RunCounts> m = new HashMap<>();
        ids.forEach(id -> {
            if (database.containsKey(id)) {
                m.put(id, database.get(id));
            }
        });
        return m;
    };
    private final HistoryTally tally = new HistoryTally();

    private static RunCounts counts(String model, long ok, long failed, double measureSeconds) {
        return new RunCounts(Map.of(new RequestKey(model, "ok"), ok, new RequestKey(model, "timeout"), failed),
                Map.of("measure", new StepTotal(1, measureSeconds)));
    }

    @Test
    void anEndedRunIsCountedOnceAndARunStillGoingAtEveryRefresh() {
        database.put(1L, counts("a", 10, 2, 3.0));
        database.put(2L, counts("a", 4, 0, 1.0));
        List<RunRow> runs = List.of(new RunRow(1, "demo", RunStatus.COMPLETED, T1),
                new RunRow(2, "demo", RunStatus.STARTED, null));

        tally.refresh(runs, count, 10);
        database.put(2L, counts("a", 7, 1, 1.0));
        Snapshot second = tally.refresh(runs, count, 10);

        assertThat(asked).containsExactly(List.of(1L, 2L), List.of(2L));
        assertThat(second.requests()).containsEntry(new RequestKey("a", "ok"), 17L)
                .containsEntry(new RequestKey("a", "timeout"), 3L);
        assertThat(second.steps()).containsEntry("measure", new StepTotal(2, 4.0));
        assertThat(second.runsByStatus()).containsEntry(RunStatus.COMPLETED, 1L).containsEntry(RunStatus.STARTED, 1L)
                .containsEntry(RunStatus.FAILED, 0L);
        assertThat(second.lastSuccessByPlan()).containsExactly(Map.entry("demo", T1));
    }

    @Test
    void aRunThatEndsMovesIntoTheTotalsOnce() {
        database.put(1L, counts("a", 2, 0, 0.0));
        tally.refresh(List.of(new RunRow(1, "demo", RunStatus.STARTED, null)), count, 10);
        database.put(1L, counts("a", 5, 1, 2.0));
        List<RunRow> ended = List.of(new RunRow(1, "demo", RunStatus.COMPLETED, T1));

        tally.refresh(ended, count, 10);
        Snapshot s = tally.refresh(ended, count, 10);

        assertThat(asked).hasSize(2);
        assertThat(s.requests()).containsEntry(new RequestKey("a", "ok"), 5L).containsEntry(new RequestKey("a", "timeout"), 1L);
        assertThat(s.steps()).containsExactly(Map.entry("measure", new StepTotal(1, 2.0)));
    }

    @Test
    void aRunThatEndsAgainAfterARestartIsCountedAgain() {
        database.put(1L, counts("a", 3, 0, 1.0));
        tally.refresh(List.of(new RunRow(1, "demo", RunStatus.FAILED, T1)), count, 10);
        database.put(1L, counts("a", 9, 0, 2.0));

        Snapshot s = tally.refresh(List.of(new RunRow(1, "demo", RunStatus.COMPLETED, T2)), count, 10);

        assertThat(asked).hasSize(2);
        assertThat(s.requests()).containsEntry(new RequestKey("a", "ok"), 9L);
        assertThat(s.lastSuccessByPlan()).containsEntry("demo", T2);
    }

    @Test
    void prunedRequestsOfAnEndedRunStayCountedAndADeletedRunDropsOut() {
        database.put(1L, counts("a", 5, 0, 1.0));
        database.put(2L, counts("b", 6, 0, 1.0));
        tally.refresh(List.of(new RunRow(1, "p", RunStatus.COMPLETED, T1), new RunRow(2, "q", RunStatus.COMPLETED, T2)),
                count, 10);
        database.remove(1L); // its request rows pruned: never asked again

        Snapshot s = tally.refresh(List.of(new RunRow(1, "p", RunStatus.COMPLETED, T1)), count, 10);

        assertThat(asked).hasSize(1);
        assertThat(s.requests()).containsOnlyKeys(new RequestKey("a", "ok"), new RequestKey("a", "timeout"));
        assertThat(s.steps()).containsExactly(Map.entry("measure", new StepTotal(1, 1.0)));
        assertThat(s.lastSuccessByPlan()).containsOnlyKeys("p");
        assertThat(tally.endedRuns()).isEqualTo(1);
    }

    @Test
    void aLongHistoryIsCountedInBatchesOfTheGivenSize() {
        List<RunRow> runs = new ArrayList<>();
        for (long id = 1; id <= 7; id++) {
            runs.add(new RunRow(id, "demo", RunStatus.COMPLETED, T1.plusSeconds(id)));
            database.put(id, counts("a", 1, 0, 0.5));
        }

        Snapshot s = tally.refresh(runs, count, 3);

        assertThat(asked).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(s.requests()).containsEntry(new RequestKey("a", "ok"), 7L);
        assertThat(s.steps()).containsEntry("measure", new StepTotal(7, 3.5));
        assertThat(s.lastSuccessByPlan()).containsEntry("demo", T1.plusSeconds(7));
    }

    @Test
    void partitionWorkerStepsShareOneLabelApartFromTheirManagerStep() {
        assertThat(HistoryTally.stepLabel("measure")).isEqualTo("measure");
        assertThat(HistoryTally.stepLabel("measure:partition12")).isEqualTo("measure:partition");
        assertThat(HistoryTally.stepLabel("measure:partition0")).isEqualTo("measure:partition");
    }
}
