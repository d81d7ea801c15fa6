package dev.nightbench.client.sim;

import dev.nightbench.client.ChatMessage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated model's prefix cache, in the manner of vLLM's automatic prefix caching: the prompt (one word = one
 * token, as everywhere in the simulator) is cut into blocks of {@value #BLOCK} tokens, each block identified by the
 * hash of everything up to its end (roles included); a request's cached tokens are its leading blocks that an earlier
 * request to the same model already had. Like the real servers, the last token of a prompt is always computed, so a
 * prompt seen before in full is cached up to its last whole block before that token. When the cache holds
 * {@value #CAPACITY} blocks it is emptied (eviction, coarsely). Thread-safe.
 */
final class PrefixCache {

    static final int BLOCK = 16;
    static final int CAPACITY = 1 << 16;

    private final Set<Long> blocks = ConcurrentHashMap.newKeySet();

    /**
     * Looks {@code messages} up and remembers their blocks.
     *
     * @return the prompt tokens served from the cache (a multiple of {@value #BLOCK}, below the prompt's length)
     */
    int lookUpAndStore(List<ChatMessage> messages) {
        long[] ends = blockHashes(messages);
        int cachedBlocks = 0;
        while (cachedBlocks < ends.length && blocks.contains(ends[cachedBlocks])) {
            cachedBlocks++;
        }
        if (blocks.size() + ends.length > CAPACITY) {
            blocks.clear();
        }
        for (long h : ends) {
            blocks.add(h);
        }
        return cachedBlocks * BLOCK;
    }

    /** The hash at the end of each whole block that leaves at least one token after it. */
    static long[] blockHashes(List<ChatMessage> messages) {
        int words = 0;
        for (ChatMessage m : messages) {
            words += SimText.countWords(m.content());
        }
        long[] ends = new long[Math.max(0, (words - 1) / BLOCK)];
        long h = 0x9E3779B97F4A7C15L;
        int position = 0;
        for (ChatMessage m : messages) {
            h = mix(h, m.role().hashCode());
            String text = m.content() == null ? "" : m.content();
            int i = 0;
            while (i < text.length()) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    break;
                }
                h = mix(h, text.substring(start, i).hashCode());
                position++;
                if (position % BLOCK == 0 && position / BLOCK <= ends.length) {
                    ends[position / BLOCK - 1] = h;
                }
            }
        }
        return ends;
    }

    private static long mix(long h, int value) {
        long x = (h ^ value) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }
}
