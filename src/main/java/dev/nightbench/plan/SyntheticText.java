package dev.nightbench.plan;

/**
 * The words synthetic prompts are made of, and the random generator that picks them. Both are Nightbench's own and
 * fixed (a built-in word list, SplitMix64 with the Box-Muller transform), so the same seed gives the same prompts on
 * every machine and Java version; nothing random is stored.
 */
public final class SyntheticText {

    /** Common English words: each is one token or two in the usual BPE vocabularies. */
    static final String[] WORDS = {
            "the", "time", "people", "year", "way", "day", "thing", "man", "world", "life", "hand", "part", "child",
            "eye", "woman", "place", "work", "week", "case", "point", "number", "group", "problem", "fact", "be",
            "have", "do", "say", "get", "make", "go", "know", "take", "see", "come", "think", "look", "want", "give",
            "use", "find", "tell", "ask", "seem", "feel", "try", "leave", "call", "good", "new", "first", "last",
            "long", "great", "little", "own", "other", "old", "right", "big", "high", "different", "small", "large",
            "next", "early", "young", "important", "few", "public", "bad", "same", "able", "to", "of", "in", "for",
            "on", "with", "at", "by", "from", "up", "about", "into", "over", "after", "and", "that", "but", "or",
            "as", "if", "when", "than", "because", "while", "where", "so", "though", "since", "until",
            "river", "garden", "window", "letter", "morning", "evening", "market", "station", "kitchen", "paper",
            "table", "music", "story", "water", "light", "road", "city", "village", "mountain", "forest", "summer",
            "winter", "machine", "engine", "signal", "report", "answer", "question", "reason", "result", "change",
            "meeting", "note", "plan", "budget", "team", "customer", "order", "service", "system", "network",
            "server", "request", "message", "record", "value", "measure", "quiet", "bright", "careful", "simple",
            "steady", "slowly", "quickly", "often", "always", "never", "together", "again", "already", "still"
    };

    private SyntheticText() {
    }

    /** The first {@code n} words of prompt {@code index}'s word sequence (1-based index), joined by spaces. */
    static String words(long seed, int index, int n) {
        Rng rng = new Rng(Rng.mix(seed, 0x5EED_7E47L + index));
        StringBuilder sb = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rng.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** The longest prompt the fitting will try, in words. */
    static final int MAX_WORDS = 1 << 21;

    /** SplitMix64: small, fast, and fixed (unlike {@code java.util.Random}'s uses across Java versions). */
    public static final class Rng {
        private long state;

        Rng(long seed) {
            this.state = seed;
        }

        static long mix(long a, long b) {
            long z = a * 0x9E3779B97F4A7C15L + b;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        int nextInt(int bound) {
            return (int) Math.floorMod(nextLong(), (long) bound);
        }

        double nextDouble() {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }

        /** Box-Muller; uses two draws every time, so the sequence does not depend on a cached second value. */
        double nextGaussian() {
            double u1 = 1.0 - nextDouble();
            double u2 = nextDouble();
            return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }
}
