package dev.nightbench.client.openai;

/**
 * Which prompt-cache figure one response reports: {@code usage.prompt_tokens_details.cached_tokens} (OpenAI, vLLM
 * with {@code --enable-prompt-tokens-details}, recent llama.cpp) when the server sends it, else llama.cpp's own
 * {@code timings.cache_n} (older llama-server builds send only that). Once the usage figure was seen, a later
 * {@code cache_n} does not override it. A negative figure is no figure. One instance per response.
 */
final class CachedTokens {

    private boolean fromUsage;

    /** @return the figure to report for this part of the response, or null when it has none (or a better one came) */
    Integer offer(Integer usageCachedTokens, Integer timingsCacheN) {
        if (usageCachedTokens != null && usageCachedTokens >= 0) {
            fromUsage = true;
            return usageCachedTokens;
        }
        if (timingsCacheN != null && timingsCacheN >= 0 && !fromUsage) {
            return timingsCacheN;
        }
        return null;
    }
}
