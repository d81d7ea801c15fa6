package dev.nightbench.measure;

import dev.nightbench.client.ChatMessage;
import dev.nightbench.plan.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Token counts that do not depend on the server (issue 14): where a model's tokenizer is known (its
 * {@code tokenizer:}, or the {@code synthetic:} source fitted with it), an answer the server sent no usage for is
 * counted with it ({@code tokens_source = 'tokenizer'}) instead of by its chunks, and so is the prompt
 * ({@code prompt_tokens_source = 'tokenizer'}: its message texts, without the chat template the server adds). With
 * usage, the tokenizer's count of the answer is the client's check on the server ({@code output_tokens_estimate},
 * {@code tokens_diff_pct}) instead of the 4-characters-per-token estimate.
 *
 * <p>Counted after the attempt was timed and left the requests in flight, never inside a timed window. Only a whole
 * answer is counted (one cut at {@code run.answer_max_bytes} keeps its chunk count) and only its content: reasoning
 * text is not kept. A tokenizer that fails (a server's {@code /tokenize} unreachable) leaves the figures as they were.
 */
final class TokenizerCounts {

    private static final Logger log = LoggerFactory.getLogger(TokenizerCounts.class);

    static final TokenizerCounts NONE = new TokenizerCounts(Map.of());

    private final Map<String, Tokenizer> byModel;

    /** @param byModel the known tokenizers by model alias (real tokenizers only; an estimate is no count) */
    TokenizerCounts(Map<String, Tokenizer> byModel) {
        this.byModel = Map.copyOf(byModel);
    }

    boolean isEmpty() {
        return byModel.isEmpty();
    }

    /** The attempt's figures with the model's tokenizer's counts where it has one; else {@code m} as it was. */
    Measurement count(String modelAlias, List<ChatMessage> prompt, Measurement m) {
        Tokenizer tokenizer = byModel.get(modelAlias);
        if (tokenizer == null || !tokenizer.exact() || m.failure() != null || m.skip() != null
                || m.responseText() == null) {
            return m;
        }
        try {
            return count(tokenizer, prompt, m);
        } catch (RuntimeException e) {
            log.debug("Counting tokens of {} with {} failed: {}", modelAlias, tokenizer.lengthSource(), e.toString());
            return m;
        }
    }

    static Measurement count(Tokenizer tokenizer, List<ChatMessage> prompt, Measurement m) {
        Integer promptTokens = m.promptTokens();
        String promptSource = m.promptTokensSource();
        if (promptTokens == null) {
            int sum = 0;
            for (ChatMessage message : prompt) {
                sum += tokenizer.count(message.content());
            }
            promptTokens = sum;
            promptSource = "tokenizer";
        }
        Integer output = m.outputTokens();
        String source = m.tokensSource();
        Integer estimate = m.outputTokensEstimate();
        Double diff = m.tokensDiffPct();
        if (!m.responseTruncated()) {
            int counted = tokenizer.count(m.responseText());
            if ("usage".equals(source)) {
                estimate = counted;
                diff = output == null || output == 0 ? null : (output - counted) * 100.0 / output;
            } else {
                output = counted;
                source = "tokenizer";
                diff = output == 0 || estimate == null ? null : (output - estimate) * 100.0 / output;
            }
        }
        Double tpot = m.tpotMs();
        Double decode = m.decodeTps();
        Double e2eTps = m.e2eTps();
        if (!java.util.Objects.equals(output, m.outputTokens())) {
            tpot = null;
            decode = null;
            if (output != null && output > 1 && m.ttftMs() != null && m.e2eMs() != null) {
                double decodeMs = m.e2eMs() - m.ttftMs();
                tpot = decodeMs / (output - 1);
                decode = decodeMs > 0 ? (output - 1) / (decodeMs / 1000.0) : null;
            }
            e2eTps = output != null && m.e2eMs() != null && m.e2eMs() > 0 ? output / (m.e2eMs() / 1000.0) : null;
        }
        return new Measurement(m.startedAt(), m.prepMs(), m.ttftMs(), m.ttfoMs(), m.e2eMs(), m.totalMs(), promptTokens,
                output, source, estimate, diff, tpot, decode, e2eTps, m.chunkCount(), m.gapMeanMs(), m.gapP50Ms(),
                m.gapP95Ms(), m.gapMaxMs(), m.finishReason(), m.failure(), m.skip(), m.errorMessage(), m.httpStatus(),
                m.retryAfterMs(), m.responseText(), m.responseTruncated(), m.streamed(), m.reconnects(), m.backoffMs(),
                m.flags(), m.cachedTokens(), promptSource);
    }
}
