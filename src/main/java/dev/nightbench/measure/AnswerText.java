package dev.nightbench.measure;

/**
 * Counting and cutting answer text in UTF-8 bytes, the unit of {@code run.answer_max_bytes}, without encoding it:
 * the meter counts on the thread that reads the response. A surrogate pair counts 4 bytes on its high half and is
 * never split by a cut (a lone low surrogate counts 3, never less than its encoding).
 */
final class AnswerText {

    private AnswerText() {
    }

    /** UTF-8 bytes of one char, given the char before it (a low surrogate after a high one adds nothing). */
    static int bytes(char c, char previous) {
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c)) {
            return 4;
        }
        if (Character.isLowSurrogate(c) && Character.isHighSurrogate(previous)) {
            return 0;
        }
        return 3;
    }

    /** UTF-8 bytes of the whole text. */
    static long bytes(CharSequence text) {
        long n = 0;
        char previous = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            n += bytes(c, previous);
            previous = c;
        }
        return n;
    }

    /** The longest start of {@code text} of at most {@code maxBytes} UTF-8 bytes, never ending inside a pair. */
    static String cut(String text, long maxBytes) {
        long n = 0;
        char previous = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            n += bytes(c, previous);
            if (n > maxBytes) {
                return text.substring(0, i);
            }
            previous = c;
        }
        return text;
    }
}
