package dev.nightbench.client.sim;

/** Word counting and the vocabulary of simulated answers. */
final class SimText {

    /**
     * Short words (about 3 letters, so a word plus its space is about 4 characters): one word stands for one
     * token, and the client's 4-characters-per-token estimate then agrees roughly with the simulated usage.
     */
    static final String[] WORDS = {
            "the", "run", "of", "and", "a", "to", "in", "is", "it", "you", "that", "was", "for", "on", "are", "as",
            "with", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what",
            "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do",
            "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so",
            "some", "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "go",
            "see", "no", "way", "could", "my", "than", "first", "been", "call", "who", "its", "now", "find", "long",
            "down", "day", "did", "get", "come", "made", "may", "part", "load", "test", "node", "data", "cell",
            "step", "job", "plan", "fast", "slow", "byte", "row", "key", "map", "sum", "log"
    };

    private SimText() {
    }

    static int countWords(String text) {
        if (text == null) {
            return 0;
        }
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
