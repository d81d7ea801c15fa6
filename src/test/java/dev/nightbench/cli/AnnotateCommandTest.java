package dev.nightbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nightbench annotate}'s command line, checked before any database is touched; and the CSV reader's lines. */
class AnnotateCommandTest extends OfflineCli {

    private int run(String... argv) {
        err.reset();
        return cli.execute(argv);
    }

    @Test
    void usageErrorsExit2WithTheUsage(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.csv"), "request_id\n");

        assertThat(run("annotate")).isEqualTo(2);
        assertThat(err.toString()).contains("say export or import").contains("Usage: nightbench annotate export");
        assertThat(run("annotate", "export")).isEqualTo(2);
        assertThat(err.toString()).contains("export needs a RUN_ID");
        assertThat(run("annotate", "export", "seven")).isEqualTo(2);
        assertThat(err.toString()).contains("RUN_ID must be a number, not 'seven'");
        assertThat(run("annotate", "export", "7", "--rater", "a")).isEqualTo(2);
        assertThat(err.toString()).contains("--rater is for import");
        assertThat(run("annotate", "import", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("import needs --rater NAME");
        assertThat(run("annotate", "import", file.toString(), "--rater", "  ")).isEqualTo(2);
        assertThat(err.toString()).contains("import needs --rater NAME");
        assertThat(run("annotate", "import", dir.resolve("none.csv").toString(), "--rater", "a")).isEqualTo(2);
        assertThat(err.toString()).contains("no readable file");
        assertThat(run("annotate", "import", file.toString(), "--rater", "a", "--out", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("--out is for export");
        assertThat(run("annotate", "score", "7")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown sub-command 'score'");
        assertThat(run("annotate", "export", "7", "8")).isEqualTo(2);
        assertThat(err.toString()).contains("unexpected argument '8'");
    }

    @Test
    void everyRowKeepsTheLineItStartsOnThroughQuotedLineBreaksBlankLinesAndABom() throws Exception {
        String text = "\uFEFFrequest_id,model,prompt_id,answer\r\n"
                + "1,m,p,\"two\r\nlines\"\r\n"
                + "\r\n"
                + "2,m,p,\"three\nlines\nhere\"\n"
                + "3,m,p,x,extra\n"
                + "4,m\n";

        AnnotateCsv.Table t = AnnotateCsv.read(text);

        assertThat(t.header()).containsExactly("request_id", "model", "prompt_id", "answer");
        assertThat(t.rows()).extracting(AnnotateCsv.Row::line).containsExactly(2L, 5L, 8L, 9L);
        assertThat(t.rows().get(1).get("answer")).isEqualTo("three\nlines\nhere");
        assertThat(t.rows().get(2).extra()).isEqualTo(1);
        assertThat(t.rows().get(3).get("answer")).isEmpty(); // a short row: the missing cells are empty
    }
}
