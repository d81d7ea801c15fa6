package dev.nightbench.doctor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A model's answer shown on one terminal line: escaped, shortened, and never carrying the API key. */
class TextTest {

    @Test
    void controlCharactersAndQuotesAreEscaped() {
        assertThat(Text.sample("a\nb\t\"c\"\u001b[31m", 100, List.of())).isEqualTo("a\\nb\\t\\\"c\\\"\\u001b[31m");
    }

    @Test
    void aLongAnswerIsShortenedWithAnEllipsis() {
        assertThat(Text.sample("x".repeat(100), 10, List.of())).isEqualTo("x".repeat(10) + "…");
    }

    @Test
    void theApiKeyIsRedactedWhereverItAppears() {
        assertThat(Text.sample("my key is sk-secret-123, really sk-secret-123", 200, List.of("sk-secret-123")))
                .isEqualTo("my key is ***, really ***").doesNotContain("sk-secret");
    }

    @Test
    void aUrlLosesItsCredentials() {
        assertThat(Text.url("http://user:pw@host:8080/v1?key=abc")).isEqualTo("http://***@host:8080/v1?***");
    }
}
