package dev.nightbench.plan;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EnvInterpolatorTest {

    private static EnvInterpolator.Result interpolate(String raw, Map<String, String> env) {
        return EnvInterpolator.interpolate(raw, env::get);
    }

    @Test
    void variables_defaults_and_escapes_are_resolved_in_one_pass() {
        var result = interpolate("a: ${A}\nb: ${B:-two}\nc: $${C}\nd: $$ and $5 stay\n", Map.of("A", "one"));

        assertThat(result.issues()).isEmpty();
        assertThat(result.text()).isEqualTo("a: one\nb: two\nc: ${C}\nd: $$ and $5 stay\n");
    }

    @Test
    void a_default_may_be_empty_and_may_contain_colons_and_slashes() {
        var result = interpolate("x: '${X:-}'\nurl: ${U:-http://h:1/v1}", Map.of());

        assertThat(result.text()).isEqualTo("x: ''\nurl: http://h:1/v1");
    }

    @Test
    void an_empty_value_is_kept_without_a_default_and_replaced_with_one() {
        var result = interpolate("${E}|${E:-d}", Map.of("E", ""));

        assertThat(result.text()).isEqualTo("|d");
    }

    @Test
    void the_replaced_text_keeps_every_line_in_place() {
        var result = interpolate("1\n${A}\n3\n${B}\n", Map.of("A", "two", "B", "four"));

        assertThat(result.text().lines()).containsExactly("1", "two", "3", "four");
    }

    @Test
    void problems_name_the_variable_and_the_line_but_never_a_value() {
        var result = interpolate("ok\n${MISSING}\n${MULTI}\n${oops\n${1BAD}\n", Map.of("MULTI", "s3cr3t\nline"));

        assertThat(result.issues()).extracting(EnvInterpolator.Issue::line).containsExactly(2, 3, 4, 5);
        assertThat(result.issues()).extracting(EnvInterpolator.Issue::message)
                .satisfiesExactly(
                        m -> assertThat(m).contains("MISSING is not set"),
                        m -> assertThat(m).contains("MULTI holds several lines"),
                        m -> assertThat(m).contains("without a closing '}'"),
                        m -> assertThat(m).contains("'${1BAD}' is not a variable reference"))
                .noneMatch(m -> m.contains("s3cr3t"));
    }
}
