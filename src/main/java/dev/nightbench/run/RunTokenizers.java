package dev.nightbench.run;

import dev.nightbench.client.ServerTokenizer;
import dev.nightbench.plan.LoadedPlan;
import dev.nightbench.plan.ModelSpec;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PlanLoader;
import dev.nightbench.plan.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The models' tokenizers once the run knows its servers (issue 14). A {@code synthetic:} source whose tokenizer is
 * a model's server ({@code POST /tokenize}) can only be fitted then: the plan as {@code validate} reads it fits with
 * the estimate, and the run reads it again with the servers' tokenizers, so the cells and {@code registerRun} see
 * prompts of the length the model's tokenizer counts. The fitting is deterministic: a restart, with the same server
 * tokenizer, makes the same texts. A server that cannot tokenize fails the run's start with the reason (fitting with
 * the estimate instead would send other texts than a restart would).
 */
final class RunTokenizers {

    private static final Logger log = LoggerFactory.getLogger(RunTokenizers.class);

    private RunTokenizers() {
    }

    /** Each model's server tokenizer, labelled with the model's alias ({@code tokenizer:<alias>}); counts cached. */
    static Function<ModelSpec, Tokenizer> servers(Function<String, ServerTokenizer> byEndpoint) {
        Map<String, Tokenizer> made = new ConcurrentHashMap<>();
        return model -> made.computeIfAbsent(model.alias(), alias -> {
            ServerTokenizer server = byEndpoint.apply(model.endpoint());
            return server == null ? null : Tokenizer.named(alias, text -> {
                try {
                    return server.count(text);
                } catch (UncheckedIOException e) {
                    throw new IllegalStateException("The tokenizer of model '" + alias + "' (" + server.uri()
                            + ") failed: " + e.getMessage(), e);
                }
            });
        });
    }

    /** True when a synthetic source is fitted with a model's server tokenizer, so the plan must be read again. */
    static boolean needsServers(Plan plan) {
        return plan.prompts().stream().anyMatch(p -> p.origin().source() != null && p.origin().lengthSource() != null
                && p.origin().lengthSource().startsWith("estimate:"))
                && plan.workloads().sources().stream().anyMatch(s -> "synthetic".equals(s.kind()));
    }

    /** The plan read again with the servers' tokenizers; its hash must be the one the run started with. */
    static LoadedPlan refit(PlanLoader loader, Path planPath, Function<ModelSpec, Tokenizer> servers) {
        LoadedPlan loaded = loader.loadWithSnapshot(planPath, servers);
        log.info("Synthetic prompts fitted with the models' tokenizers ({} prompts)", loaded.plan().prompts().size());
        return loaded;
    }
}
