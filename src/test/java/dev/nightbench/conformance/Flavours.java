package dev.nightbench.conformance;

import dev.nightbench.conformance.ConformanceServer.AfterAnswer;
import dev.nightbench.conformance.ConformanceServer.Event;

import java.util.ArrayList;
import java.util.List;

import static dev.nightbench.conformance.ConformanceServer.MODEL;
import static dev.nightbench.conformance.ConformanceServer.quote;

/**
 * The real servers Nightbench must measure truthfully, each reproduced in a few lines on {@link ConformanceServer}:
 * the shape of their chunks, where their usage goes, and what they do with the connection. Every answer is the same
 * six tokens on a schedule of {@code prefillMs} then one token per {@code gapMs} unless the flavour says otherwise.
 */
final class Flavours {

    static final String[] TOKENS = {"The", " answer", " is", " forty", "-two", "."};
    static final int PROMPT_TOKENS = 12;

    private Flavours() {
    }

    /**
     * llama.cpp's {@code llama-server}: advertises keep-alive (or says nothing, HTTP/1.1) yet closes the connection
     * after every streamed answer; a first chunk with the role and {@code content: null}; one chunk per token; the
     * final chunk carries finish_reason, usage and the server's own {@code timings}. An older build's usage has no
     * {@code prompt_tokens_details}: its prompt cache shows only in {@code timings.cache_n} (the prompt tokens reused,
     * all but the last one when the same prompt comes again) beside {@code prompt_n} (those computed).
     */
    static ConformanceServer llamaCpp(AfterAnswer after, long closeDelayMillis, boolean keepAliveHeader,
                                      double prefillMs, double gapMs) {
        String headers = "Server: llama.cpp\r\n"
                + (keepAliveHeader ? "Connection: keep-alive\r\nKeep-Alive: timeout=5, max=5\r\n" : "");
        ConformanceServer.PromptCache cache = new ConformanceServer.PromptCache(PROMPT_TOKENS - 1);
        return new ConformanceServer(headers, after, closeDelayMillis, request -> {
            int cached = cache.cachedFor(request);
            List<Event> events = new ArrayList<>();
            String envelope = ",\"created\":1764600000,\"id\":\"chatcmpl-llama\",\"model\":\"" + MODEL
                    + "\",\"system_fingerprint\":\"b6000-cafe\",\"object\":\"chat.completion.chunk\"";
            events.add(Event.of(prefillMs - 1, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
                    + "{\"role\":\"assistant\",\"content\":null}}]" + envelope + "}"));
            double at = prefillMs;
            for (String token : TOKENS) {
                events.add(new Event(at, "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":"
                        + quote(token) + "}}]" + envelope + "}", token, null, null, null));
                at += gapMs;
            }
            double last = at - gapMs + 1;
            events.add(new Event(last, "{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}]" + envelope
                    + ",\"usage\":{\"completion_tokens\":6,\"prompt_tokens\":12,\"total_tokens\":18},\"timings\":"
                    + "{\"cache_n\":" + cached + ",\"prompt_n\":" + (PROMPT_TOKENS - cached) + ",\"prompt_ms\":"
                    + prefillMs + ",\"predicted_n\":6,\"predicted_ms\":" + 5 * gapMs + ",\"predicted_per_second\":"
                    + 5000 / (5 * gapMs) + "}}", null, null, PROMPT_TOKENS, TOKENS.length, cached));
            events.add(Event.done(last));
            return events;
        });
    }

    /**
     * vLLM (OpenAI server on uvicorn): keeps connections alive; a role-only first chunk ({@code content: ""}); the
     * finish_reason on the last token's chunk; usage only when {@code stream_options.include_usage} asks, in a last
     * chunk of its own with empty {@code choices}; run with {@code --enable-prompt-tokens-details} and
     * {@code --block-size 8}, that usage has {@code prompt_tokens_details.cached_tokens}: whole blocks of the prompt
     * found in its prefix cache, never the block holding the last token (0, then 8 of the 12 when the prompt repeats).
     */
    static ConformanceServer vllm(double prefillMs, double gapMs) {
        ConformanceServer.PromptCache cache = new ConformanceServer.PromptCache(8);
        return new ConformanceServer("server: uvicorn\r\n", AfterAnswer.KEEP_ALIVE, 0, request -> {
            int cached = cache.cachedFor(request);
            String envelope = "{\"id\":\"chatcmpl-vllm\",\"object\":\"chat.completion.chunk\",\"created\":1764600000,"
                    + "\"model\":\"" + MODEL + "\",";
            List<Event> events = new ArrayList<>();
            events.add(Event.of(prefillMs - 2, envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"));
            double at = prefillMs;
            for (int i = 0; i < TOKENS.length; i++) {
                String finish = i == TOKENS.length - 1 ? "\"stop\"" : "null";
                events.add(new Event(at, envelope + "\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                        + quote(TOKENS[i]) + "},\"logprobs\":null,\"finish_reason\":" + finish + "}]}", TOKENS[i], null,
                        null, null));
                at += gapMs;
            }
            double last = at - gapMs + 2;
            if (request.includeUsage()) {
                events.add(new Event(last, envelope + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                        + "\"total_tokens\":18,\"completion_tokens\":6,\"prompt_tokens_details\":{\"cached_tokens\":"
                        + cached + "}}}", null, null, PROMPT_TOKENS, TOKENS.length, cached));
            }
            events.add(Event.done(last));
            return events;
        });
    }

    /**
     * Ollama's OpenAI-compatible endpoint: {@code system_fingerprint: "fp_ollama"}, the role repeated in every
     * chunk, a thinking model's thoughts in {@code reasoning} (not {@code reasoning_content}), a last chunk with an
     * empty content and the finish_reason, and usage only when asked, as a chunk with empty {@code choices}.
     */
    static ConformanceServer ollama(double prefillMs, double gapMs) {
        return new ConformanceServer("", AfterAnswer.KEEP_ALIVE, 0, request -> {
            String envelope = "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1764600000,"
                    + "\"model\":\"" + MODEL + "\",\"system_fingerprint\":\"fp_ollama\",";
            List<Event> events = new ArrayList<>();
            events.add(new Event(prefillMs, envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\",\"reasoning\":\"Hmm.\"},\"finish_reason\":null}]}", null, "Hmm.", null, null));
            double at = prefillMs + gapMs;
            for (String token : TOKENS) {
                events.add(new Event(at, envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":" + quote(token) + "},\"finish_reason\":null}]}", token, null, null, null));
                at += gapMs;
            }
            double last = at - gapMs + 1;
            events.add(Event.of(last, envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\"},\"finish_reason\":\"stop\"}]}"));
            if (request.includeUsage()) {
                events.add(new Event(last, envelope + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                        + "\"completion_tokens\":7,\"total_tokens\":19}}", null, null, PROMPT_TOKENS, 7));
            }
            events.add(Event.done(last));
            return events;
        });
    }

    /** A server that batches several tokens into one chunk (a proxy, TGI, or a speculative decoder). */
    static ConformanceServer severalTokensPerChunk(double prefillMs, double gapMs) {
        String[] chunks = {"The answer", " is forty", "-two. It", " is the answer."};
        return openAiShaped(request -> {
            List<Event> events = new ArrayList<>();
            double at = prefillMs;
            for (String text : chunks) {
                events.add(new Event(at, chunk("{\"content\":" + quote(text) + "}", null), text, null, null, null));
                at += gapMs;
            }
            double last = at - gapMs;
            events.add(Event.of(last, chunk("{}", "\"stop\"")));
            events.add(usage(last, 11));
            events.add(Event.done(last));
            return events;
        });
    }

    /** A reasoning model (vLLM, DeepSeek): {@code reasoning_content} chunks first, then the content. */
    static ConformanceServer reasoning(double prefillMs, double gapMs) {
        return openAiShaped(request -> {
            List<Event> events = new ArrayList<>();
            double at = prefillMs;
            for (String thought : new String[] {"Six", " times", " seven."}) {
                events.add(new Event(at, chunk("{\"reasoning_content\":" + quote(thought) + "}", null), null, thought,
                        null, null));
                at += gapMs;
            }
            at += 3 * gapMs; // the model thinks a little longer before it answers
            for (String token : new String[] {"4", "2"}) {
                events.add(new Event(at, chunk("{\"content\":" + quote(token) + "}", null), token, null, null, null));
                at += gapMs;
            }
            double last = at - gapMs;
            events.add(Event.of(last, chunk("{}", "\"stop\"")));
            events.add(usage(last, 5));
            events.add(Event.done(last));
            return events;
        });
    }

    /**
     * A server (or a buffering proxy) that stalls and then delivers the rest in one burst; it sends no usage, so
     * the output tokens can only be counted from the chunks.
     */
    static ConformanceServer stallThenBurst(double prefillMs, double stallMs) {
        return openAiShaped(request -> {
            List<Event> events = new ArrayList<>();
            events.add(new Event(prefillMs, chunk("{\"content\":\"The\"}", null), "The", null, null, null));
            double burst = prefillMs + stallMs;
            for (int i = 1; i < TOKENS.length; i++) {
                events.add(new Event(burst, chunk("{\"content\":" + quote(TOKENS[i]) + "}", null), TOKENS[i], null,
                        null, null));
            }
            events.add(Event.of(burst, chunk("{}", "\"stop\"")));
            events.add(Event.done(burst));
            return events;
        });
    }

    private static ConformanceServer openAiShaped(java.util.function.Function<ConformanceServer.Request,
            List<Event>> answer) {
        return new ConformanceServer("", AfterAnswer.KEEP_ALIVE, 0, answer);
    }

    private static String chunk(String delta, String finish) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    private static Event usage(double at, int completionTokens) {
        return new Event(at, "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"" + MODEL
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (12 + completionTokens) + "}}", null, null, PROMPT_TOKENS, completionTokens);
    }
}
