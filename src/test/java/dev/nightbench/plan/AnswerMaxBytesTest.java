package dev.nightbench.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run.answer_max_bytes}: a whole number of bytes or a size with a unit, 64 KiB when left out. */
class AnswerMaxBytesTest {

    @TempDir
    Path dir;

    private int answerMaxBytes(String run) throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                endpoints: [{name: local, base_url: "http://localhost:8080/v1"}]
                models: [{alias: m1}]
                prompts: [{id: q1, text: Hi}]
                """ + run);
        return PlanLoader.withEnvironment(Map.of()).load(plan).run().answerMaxBytes();
    }

    @Test
    void aPlanWithoutTheSettingKeeps64KiBOfEachAnswer() throws IOException {
        assertThat(answerMaxBytes("")).isEqualTo(65536);
        assertThat(answerMaxBytes("run: {rounds: 2}\n")).isEqualTo(RunParams.DEFAULT_ANSWER_MAX_BYTES);
    }

    @Test
    void aWholeNumberIsBytesAndUnitsAreBinary() throws IOException {
        assertThat(answerMaxBytes("run: {answer_max_bytes: 100000}\n")).isEqualTo(100000);
        assertThat(answerMaxBytes("run: {answer_max_bytes: \"20000\"}\n")).isEqualTo(20000);
        assertThat(answerMaxBytes("run: {answer_max_bytes: 64KiB}\n")).isEqualTo(65536);
        assertThat(answerMaxBytes("run: {answer_max_bytes: 1 MiB}\n")).isEqualTo(1 << 20);
        assertThat(answerMaxBytes("run: {answer_max_bytes: 8192B}\n")).isEqualTo(8192);
        assertThat(answerMaxBytes("run: {answer_max_bytes: 16MiB}\n")).isEqualTo(RunParams.MAX_ANSWER_MAX_BYTES);
    }
}
