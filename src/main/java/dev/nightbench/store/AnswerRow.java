package dev.nightbench.store;

import java.nio.charset.StandardCharsets;

/**
 * One stored answer: an {@code answers} row (V9) of the request attempt named by its {@code requests_once} key.
 * {@code sha256} and {@code bytes} are of the text as stored (UTF-8): for an answer cut at
 * {@code run.answer_max_bytes} that is the kept start, and {@code truncated} says so; two answers have the same
 * hash exactly when the same text was stored.
 *
 * @param text      the answer's content, whole or cut (redacted of the endpoint's API key, as every stored text)
 * @param truncated true when the model's answer went on beyond {@code text}
 */
public record AnswerRow(long runId, String phase, int cellIndex, int requestIndex, int attempt, String text,
                        boolean truncated) {

    public AnswerRow {
        if (text == null) {
            throw new IllegalArgumentException("an answer row needs its text (empty for an empty answer)");
        }
        text = PgText.storable(text);
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}, as {@code answers.sha256} stores it. */
    public String sha256() {
        return AnswerStore.sha256(utf8());
    }

    /** Length of {@code text} in UTF-8 bytes. */
    public int bytes() {
        return utf8().length;
    }

    byte[] utf8() {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
