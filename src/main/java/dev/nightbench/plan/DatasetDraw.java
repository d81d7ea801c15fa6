package dev.nightbench.plan;

import dev.nightbench.plan.DatasetReader.Record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Draws a dataset's prompts: every record, or {@code sample: N} records chosen by a seeded reservoir sample over the
 * streamed file (only N records are ever held), emitted in file order. The same file and seed always give the same
 * records, so two nights send the same prompts; another seed gives another sample.
 */
final class DatasetDraw {

    /** The prompts drawn and the source as {@code run_prompt_sources} stores it. */
    record Result(List<PromptSpec> prompts, Workloads.PromptSource source) {
    }

    private DatasetDraw() {
    }

    /** @return the prompts and source, or null when the file or a record had problems (reported) */
    static Result draw(DatasetSpec spec, Source plan, Problems problems) {
        Reservoir reservoir = new Reservoir(spec.sample(), spec.seed());
        DatasetReader.Outcome read = DatasetReader.read(spec, plan, problems, reservoir::offer);
        if (read == null) {
            return null;
        }
        List<PromptSpec> prompts = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        for (Record r : reservoir.inFileOrder()) {
            Integer first = lines.putIfAbsent(r.id(), r.line());
            if (first != null) {
                problems.add(new PlanProblem(spec.file(), r.line(), spec.id(), "duplicate id '" + r.id()
                        + "' (also on line " + first + "; source '" + spec.name() + "')"));
                return null;
            }
            prompts.addAll(prompts(spec, r));
        }
        return new Result(prompts, new Workloads.PromptSource(spec.name(), spec.format().key(), spec.path(),
                read.sha256(), spec.sample(), spec.seed(), read.records(), prompts.size(), spec.settings(),
                spec.loadOnly()));
    }

    /** One prompt per record; with {@code turns: all}, one per human turn, each a turn of the record's conversation. */
    static List<PromptSpec> prompts(DatasetSpec spec, Record r) {
        String id = spec.name() + ":" + r.id();
        if (!spec.allTurns()) {
            return List.of(new PromptSpec(id, r.turns().getFirst(), List.of(), r.system(), List.of(), r.context(),
                    r.expected(), PromptOrigin.dataset(spec.name())));
        }
        List<PromptSpec> turns = new ArrayList<>();
        for (int k = 1; k <= r.turns().size(); k++) {
            turns.add(new PromptSpec(id + ".t" + k, r.turns().get(k - 1), List.of(), r.system(), List.of(), List.of(),
                    null, new PromptOrigin(spec.name(), id, k, null, null, null, null)));
        }
        return turns;
    }

    /**
     * Algorithm R over the records as they stream past: the first N are kept; record i (0-based) after them replaces a
     * kept one, chosen by the seeded generator, with probability N/(i+1). Without a sample size it keeps every record.
     */
    static final class Reservoir {

        private final Integer size;
        private final Random random;
        private final List<Record> kept = new ArrayList<>();
        private long seen;

        Reservoir(Integer size, long seed) {
            this.size = size;
            this.random = new Random(seed);
        }

        void offer(Record r) {
            long i = seen++;
            if (size == null || kept.size() < size) {
                kept.add(r);
                return;
            }
            long j = random.nextLong(i + 1);
            if (j < size) {
                kept.set((int) j, r);
            }
        }

        List<Record> inFileOrder() {
            return kept.stream().sorted(Comparator.comparingLong(Record::number)).toList();
        }
    }
}
