package dev.nightbench.run;

import dev.nightbench.client.sim.Script;
import dev.nightbench.client.sim.SimulatedServer;
import dev.nightbench.store.AnswerRow;
import dev.nightbench.store.AnswerStore;
import dev.nightbench.support.JobTestSupport;
import dev.nightbench.support.ReportDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whole answers through the real job on a real PostgreSQL and a loopback model server: a short answer stored whole
 * with its SHA-256, a long one cut at run.answer_max_bytes and flagged, response_prefix as before; a model that
 * answers differently across rounds at temperature 0 is named in the view and the report; an answer that changed
 * against the baseline run is listed, escaped.
 */
class AnswersJobTest extends JobTestSupport {

    static final String SHORT = "Paris — la capitale ✓";
    static final String LONG = IntStream.range(0, 4000).mapToObj(i -> String.format("%04d ", i)).collect(Collectors.joining());

    SimulatedServer server;
    final AtomicReference<String> changer = new AtomicReference<>("The answer is 42.");

    @Autowired
    AnswerStore answers;

    @BeforeEach
    void startServer() {
        Script.StreamBuilder longAnswer = Script.stream().role();
        for (int i = 0; i < LONG.length(); i += 1000) {
            longAnswer = longAnswer.content(LONG.substring(i, Math.min(LONG.length(), i + 1000)));
        }
        Script longScript = longAnswer.finish("length").usage(5, 4000).done();
        server = new SimulatedServer()
                .script("steady", Script.stream().role().content("Paris — ").content("la capitale ✓").finish("stop").usage(5, 4).done())
                .script("long", longScript)
                .script("moody", i -> Script.stream().role().content("Answer " + (i % 3)).finish("stop").usage(5, 2).done())
                .script("cut", Script.stream().role().content("Par").end())
                .script("nul", Script.stream().role().content("Par\u0000is").finish("stop").usage(5, 2).done())
                .register("changer", request -> Script.stream().role().content(changer.get()).finish("stop").usage(5, 4).done())
                .start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    Path plan(Path dir) throws Exception {
        return Files.writeString(dir.resolve("answers.yaml"), """
                name: answers
                endpoints: [{name: sim, base_url: "%s"}]
                models: [{alias: steady}, {alias: long}, {alias: moody}, {alias: cut}, {alias: changer}]
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 1, rounds: 5, answer_max_bytes: 8KiB, timeouts: {connect: 2s, first_token: 2s, idle: 2s, total: 10s}}
                """.formatted(server.baseUrl()));
    }

    @Test
    void anAnswerCarryingANulCharacterIsStoredWithAReplacementCharacterAndTheRunCompletes(@TempDir Path dir)
            throws Exception {
        // given: a server whose answer holds \u0000, which PostgreSQL's text cannot store
        Path plan = Files.writeString(dir.resolve("nul.yaml"), """
                name: nul
                endpoints: [{name: sim, base_url: "%s"}]
                models: [{alias: nul}]
                prompts: [{id: capital, text: "What is the capital of France?"}]
                run: {warmup: 0, rounds: 2}
                """.formatted(server.baseUrl()));

        // when
        JobExecution execution = launch(plan);

        // then: stored with U+FFFD in the answer and the prefix, hashed as stored
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long runId = runId(execution);
        List<Map<String, Object>> rows = jdbc.sql("""
                        SELECT a.text, a.sha256, r.response_prefix FROM answers a JOIN requests r USING (request_id)
                        WHERE a.run_id = ?""").param(runId).query().listOfRows();
        assertThat(rows).hasSize(2).allSatisfy(row -> {
            assertThat(row.get("text")).isEqualTo("Par\uFFFDis");
            assertThat(row.get("response_prefix")).isEqualTo("Par\uFFFDis");
            assertThat(row.get("sha256")).isEqualTo(sha256("Par\uFFFDis"));
        });
    }

    @Test
    void answersAreStoredWholeOrCutAndFlaggedTheirRepeatabilityCountedAndTheirChangesListed(@TempDir Path dir) throws Exception {
        Path plan = plan(dir);
        JobExecution first = launch(plan);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run1 = runId(first);

        // a short answer: whole, not truncated, its SHA-256 that of its UTF-8 bytes (in Java and in PostgreSQL)
        List<Map<String, Object>> steady = jdbc.sql("""
                        SELECT a.text, a.sha256, a.bytes, a.truncated, r.response_prefix,
                               encode(sha256(convert_to(a.text, 'UTF8')), 'hex') AS pg_sha256
                        FROM measured_answers a JOIN requests r USING (request_id)
                        WHERE a.run_id = ? AND a.model_alias = 'steady'""").param(run1).query().listOfRows();
        assertThat(steady).hasSize(5).allSatisfy(row -> {
            assertThat(row.get("text")).isEqualTo(SHORT);
            assertThat(row.get("truncated")).isEqualTo(false);
            assertThat(row.get("bytes")).isEqualTo(SHORT.getBytes(StandardCharsets.UTF_8).length);
            assertThat(row.get("sha256")).isEqualTo(sha256(SHORT)).isEqualTo(row.get("pg_sha256"));
            assertThat(row.get("response_prefix")).isEqualTo(SHORT);
        });

        // a long answer (20,000 characters): cut at 8 KiB and flagged; response_prefix keeps its 2,000 characters
        List<Map<String, Object>> longRows = jdbc.sql("""
                        SELECT a.text, a.sha256, a.bytes, a.truncated, r.response_prefix
                        FROM measured_answers a JOIN requests r USING (request_id)
                        WHERE a.run_id = ? AND a.model_alias = 'long'""").param(run1).query().listOfRows();
        assertThat(longRows).hasSize(5).allSatisfy(row -> {
            assertThat(row.get("text")).isEqualTo(LONG.substring(0, 8192));
            assertThat(row.get("truncated")).isEqualTo(true);
            assertThat(row.get("bytes")).isEqualTo(8192);
            assertThat(row.get("sha256")).isEqualTo(sha256(LONG.substring(0, 8192)));
            assertThat(row.get("response_prefix")).isEqualTo(LONG.substring(0, 2000));
        });

        // warm-up answers are kept too; a cut stream's partial answer is kept on its failed attempt; a skipped request has none
        assertThat(count("SELECT count(*) FROM answers a JOIN requests r USING (request_id) WHERE r.run_id = ? "
                + "AND r.phase = 'warmup' AND r.status = 'ok'", run1)).isEqualTo(4);
        assertThat(jdbc.sql("SELECT DISTINCT a.text FROM answers a JOIN requests r USING (request_id) WHERE r.run_id = ? "
                + "AND r.status = 'truncated_stream'").param(run1).query(String.class).list()).containsExactly("Par");
        assertThat(count("SELECT count(*) FROM requests WHERE run_id = ? AND model_alias = 'cut' AND status = 'skipped'", run1))
                .isPositive();
        assertThat(count("SELECT count(*) FROM answers a JOIN requests r USING (request_id) WHERE r.status = 'skipped'"))
                .isZero();

        // repeatability: one answer per round for steady, three for moody at temperature 0 with seed 42
        Map<String, Object> moody = jdbc.sql("SELECT * FROM answer_repeatability WHERE run_id = ? AND model_alias = 'moody'")
                .param(run1).query().singleRow();
        assertThat(moody).containsEntry("rounds", 5).containsEntry("distinct_answers", 3)
                .containsEntry("not_repeatable", true).containsEntry("temperature", 0.0).containsEntry("seed", 42L);
        assertThat(count("SELECT distinct_answers FROM answer_repeatability WHERE run_id = ? AND model_alias = 'steady'", run1))
                .isEqualTo(1);
        String report1 = Files.readString(ReportDirs.of(reports, "2026-11-22_" + run1).resolve("report.md"));
        assertThat(report1).contains("## Answers")
                .contains("**moody** gave 3 different answers to prompt **capital** over 5 rounds at temperature 0 "
                        + "with seed 42: **not repeatable**")
                .doesNotContain("**steady** gave");

        // an answer stored once cannot be stored again (a restart that re-wrote a cell would fail, not duplicate)
        AnswerRow again = new AnswerRow(run1, "measure", 0, 0, 1, "again", false);
        assertThatThrownBy(() -> answers.insert(List.of(again))).isInstanceOf(DuplicateKeyException.class);

        // the next run: changer answers differently, with markup
        changer.set("<b>43</b> & more");
        JobExecution second = launch(plan);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run2 = runId(second);

        List<Map<String, Object>> changes = jdbc.sql("SELECT * FROM answer_changes WHERE baseline_run_id = ? AND run_id = ?")
                .params(run1, run2).query().listOfRows();
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("model_alias", "changer").containsEntry("prompt_id", "capital")
                    .containsEntry("baseline_prefix", "The answer is 42.").containsEntry("prefix", "<b>43</b> & more")
                    .containsEntry("some_answer_kept", false);
        });
        Path dir2 = ReportDirs.of(reports, "2026-11-22_" + run2);
        assertThat(dir2.resolve("report.md")).content()
                .contains("**Changed answers:** 1 of 4 model × prompt pairs answered differently than in baseline run " + run1)
                .contains("|changer|capital|The answer is 42.|&lt;b&gt;43&lt;/b&gt; &amp; more|no|");
        assertThat(dir2.resolve("report.html")).content()
                .contains("&lt;b&gt;43&lt;/b&gt; &amp; more").doesNotContain("<b>43</b>");
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
