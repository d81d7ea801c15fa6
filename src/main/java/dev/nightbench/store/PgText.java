package dev.nightbench.store;

/**
 * Text from a model server made storable: PostgreSQL's {@code text} cannot hold the NUL character, which a JSON
 * answer may carry as {@code \u0000}, and one such answer would fail its cell's whole insert (and the run). NUL
 * becomes U+FFFD, the replacement character, wherever model-sent text is stored (answers, their prefix, error
 * messages, check reasons); an answer's hash is of the text as stored.
 */
public final class PgText {

    private PgText() {
    }

    /** {@code text} with every NUL replaced by U+FFFD; null stays null. */
    public static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }
}
