package dev.nightbench.run;

import dev.nightbench.store.JudgeStore;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The judge step's reader, processor, writer and summary listener, as {@code @StepScope} beans like the cell steps'
 * ({@link CellStepsConfiguration}): each step execution, a restart's included, gets fresh ones built from the run's
 * session. The processor puts the judged answer's model in the log context while the judge is asked.
 */
@Configuration(proxyBeanMethods = false)
class JudgeStepConfiguration {

    /** The judge's breaker: one per step execution, shared by the reader (which stops) and the processor. */
    @Bean
    @StepScope
    JudgeBreaker judgeBreaker(RunSession session) {
        return new JudgeBreaker(session.plan().run().failAfter());
    }

    @Bean
    @StepScope
    JudgeReader judgeReader(JudgeStore store, RunSession session, JudgeBreaker judgeBreaker) {
        var plan = session.plan();
        return new JudgeReader(store, session.runId(), plan.hasJudge(), plan.hasJudge() ? plan.judge().sample() : null,
                judgeBreaker);
    }

    @Bean
    @StepScope
    ItemProcessor<JudgeStore.Pending, JudgeStore.VerdictRow> judgeProcessor(JudgeStep steps, RunSession session,
                                                                          JudgeBreaker judgeBreaker) {
        return answer -> {
            try (var model = RunMdc.model(answer.modelAlias())) {
                JudgeStore.VerdictRow verdict = steps.judge(session, answer);
                if (verdict != null) {
                    judgeBreaker.record(verdict.status() == JudgeStore.Status.FAILED);
                }
                return verdict;
            }
        };
    }

    @Bean
    @StepScope
    ItemWriter<JudgeStore.VerdictRow> judgeWriter(JudgeStep steps) {
        return chunk -> steps.write(chunk.getItems());
    }

    /** "Judge: N answers judged (…)" once the step ends, counted from the database (a restart's included). */
    @Bean
    StepExecutionListener judgeSummary(JudgeStep steps, RunSession session) {
        return new StepExecutionListener() {
            @Override
            public ExitStatus afterStep(StepExecution stepExecution) {
                steps.summarize(session);
                return null;
            }
        };
    }
}
