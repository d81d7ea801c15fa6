package dev.nightbench.measure;

import dev.nightbench.client.ChatRequest;
import dev.nightbench.plan.ModelTokenizers;
import dev.nightbench.plan.Plan;
import dev.nightbench.plan.PromptSpec;
import dev.nightbench.plan.SyntheticSpec;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A prompt made for a given output length ({@code synthetic:}'s {@code output_tokens}) asks for it: the length is
 * the request's {@code max_tokens}, and, only where the plan says the server accepts them (the source's
 * {@code control:}), {@code ignore_eos: true} (llama.cpp, vLLM: keep writing past the end-of-sequence token) and
 * {@code min_tokens} (vLLM). Nothing else by default: OpenAI's API rejects parameters it does not know.
 */
final class OutputLength {

    private OutputLength() {
    }

    static ChatRequest apply(ChatRequest base, PromptSpec prompt, Plan plan) {
        Integer target = prompt.origin().targetOutputTokens();
        if (target == null) {
            return base;
        }
        Set<String> control = plan.workloads().sources().stream()
                .filter(s -> s.name().equals(prompt.origin().source())).findFirst()
                .map(ModelTokenizers::control).orElse(Set.of());
        Map<String, Object> extra = new HashMap<>(base.extra());
        extra.remove("max_completion_tokens");
        if (control.contains(SyntheticSpec.IGNORE_EOS)) {
            extra.put("ignore_eos", true);
        }
        if (control.contains(SyntheticSpec.MIN_TOKENS)) {
            extra.put("min_tokens", target);
        }
        return new ChatRequest(base.model(), base.messages(), target, base.temperature(), base.seed(), base.stream(),
                extra);
    }
}
