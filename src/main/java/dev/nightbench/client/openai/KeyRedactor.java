package dev.nightbench.client.openai;

/**
 * Removes the API key a client sent from any text that may be stored or shown: server error texts and the
 * model's own answer (a model may echo the key it was called with). Also masks a trailing beginning of the key, so
 * a key cut by a text limit (an answer prefix, a truncated error) leaves nothing recognisable.
 */
final class KeyRedactor {

    static final String MASK = "***";
    /** Keys shorter than this are not redacted (too likely to occur by chance; and no real key is this short). */
    static final int MIN_KEY_LENGTH = 4;
    /** A text ending in this many or more first characters of the key has them masked. */
    static final int MIN_TAIL = 6;

    private final String key;

    /** @param keyOrNull the key, or null when none is sent */
    KeyRedactor(String keyOrNull) {
        this.key = keyOrNull == null || keyOrNull.length() < MIN_KEY_LENGTH ? null : keyOrNull;
    }

    /** The text without the key; null stays null. */
    String redact(String text) {
        if (key == null || text == null || text.isEmpty()) {
            return text;
        }
        String s = text.replace(key, MASK);
        // a key cut at the end of the text: mask its beginning (at least MIN_TAIL characters of it)
        for (int n = Math.min(key.length() - 1, s.length()); n >= MIN_TAIL; n--) {
            if (s.regionMatches(s.length() - n, key, 0, n)) {
                return s.substring(0, s.length() - n) + MASK;
            }
        }
        return s;
    }
}
