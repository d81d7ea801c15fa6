package dev.nightbench.client.openai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRedactorTest {

    private final KeyRedactor redactor = new KeyRedactor("sk-test-0123456789abcdef");

    @Test
    void everyOccurrenceOfTheKeyIsMasked() {
        assertThat(redactor.redact("key sk-test-0123456789abcdef and again sk-test-0123456789abcdef."))
                .isEqualTo("key *** and again ***.");
    }

    @Test
    void aKeyCutAtTheEndOfTheTextLeavesNothingRecognisable() {
        assertThat(redactor.redact("the key is sk-test-0123")).isEqualTo("the key is ***");
    }

    @Test
    void textWithoutTheKeyAndTextWithoutAKeyToHideAreUnchanged() {
        assertThat(redactor.redact("sk-te is not enough to be a key")).isEqualTo("sk-te is not enough to be a key");
        assertThat(new KeyRedactor(null).redact("sk-test-0123456789abcdef")).isEqualTo("sk-test-0123456789abcdef");
        assertThat(redactor.redact(null)).isNull();
    }
}
