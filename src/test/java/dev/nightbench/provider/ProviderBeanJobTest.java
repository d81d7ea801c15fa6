package dev.nightbench.provider;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.client.ModelClient;
import dev.nightbench.client.ModelProvider;
import dev.nightbench.client.ProviderEndpoint;
import dev.nightbench.client.ProviderSettings;
import dev.nightbench.client.ResponseObserver;
import dev.nightbench.support.JobTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model provider declared as a Spring bean serves a run: the context's {@code ModelProviders} holds every
 * {@link ModelProvider} bean beside the {@link java.util.ServiceLoader} services, and the plan's validation and the run's
 * clients both use it. The bean here is a tiny in-process provider that answers each request with its {@code reply:}
 * setting, one word per chunk on a fixed schedule.
 */
@Import(ProviderBeanJobTest.BeanProviderConfiguration.class)
class ProviderBeanJobTest extends JobTestSupport {

    @TestConfiguration(proxyBeanMethods = false)
    static class BeanProviderConfiguration {

        @Bean
        WordsProvider wordsProvider() {
            return new WordsProvider();
        }
    }

    /** Type {@code words}: no base URL, setting {@code reply} (text), a model named anything. */
    static final class WordsProvider implements ModelProvider {

        final AtomicInteger chats = new AtomicInteger();

        @Override
        public String type() {
            return "words";
        }

        @Override
        public void checkSettings(ProviderSettings settings) {
            settings.string("reply", null);
        }

        @Override
        public ModelClient open(ProviderEndpoint endpoint) {
            String[] words = endpoint.settings().string("reply", "Hello there friend").split(" ");
            return new ModelClient() {
                @Override
                public List<String> listModels() {
                    return endpoint.models();
                }

                @Override
                public void chat(ChatRequest request, ResponseObserver observer) {
                    chats.incrementAndGet();
                    long t0 = endpoint.clock().nanoTime();
                    observer.onSent(t0, 0);
                    for (int i = 0; i < words.length; i++) {
                        LockSupport.parkNanos(i == 0 ? 40_000_000 : 10_000_000); // 40 ms to the first word, 10 ms apart
                        observer.onChunk(endpoint.clock().nanoTime(), (i == 0 ? "" : " ") + words[i], null);
                    }
                    observer.onFinish("stop");
                    observer.onUsage(request.messages().size(), words.length);
                    observer.onClosed(endpoint.clock().nanoTime());
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Autowired
    WordsProvider provider;

    @Test
    void aProviderDeclaredAsABeanServesTheRun(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("words.yaml"), """
                name: words
                endpoints: [{name: inproc, type: words, settings: {reply: "Paris is the capital"}}]
                models: [{alias: w1, model: anything}]
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 0, rounds: 3}
                """);

        JobExecution execution = launch(plan);

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        assertThat(provider.chats.get()).isEqualTo(3);
        assertThat(jdbc.sql("SELECT endpoint_type FROM run_models WHERE run_id = ?").param(runId).query(String.class)
                .single()).isEqualTo("words");
        assertThat(count("SELECT count(*) FROM measured_requests WHERE run_id = ? AND status = 'ok' AND output_tokens = 4"
                + " AND tokens_source = 'usage' AND ttft_ms >= 40 AND tpot_ms >= 10", runId)).isEqualTo(3);
        assertThat(modelProviders.get("words")).containsSame(provider);
    }
}
