package dev.nightbench.quality;

/**
 * What one check said about one answer.
 *
 * @param passed whether the answer passed
 * @param reason a short reason, e.g. {@code expected 'Paris', not found}; quotes of the answer are cut short
 */
public record CheckOutcome(boolean passed, String reason) {

    /** Longest quote of an answer in a reason. */
    static final int QUOTE_CHARS = 60;

    static CheckOutcome pass(String reason) {
        return new CheckOutcome(true, reason);
    }

    static CheckOutcome fail(String reason) {
        return new CheckOutcome(false, reason);
    }

    /** {@code 'text'}, cut to {@value #QUOTE_CHARS} characters with "…", line breaks shown as spaces. */
    static String quote(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return "'" + (flat.length() > QUOTE_CHARS ? flat.substring(0, QUOTE_CHARS) + "…" : flat) + "'";
    }
}
