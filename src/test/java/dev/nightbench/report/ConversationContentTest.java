package dev.nightbench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The "Conversations" section: per model × turn, TTFT growth as a ratio and per 1,000 prompt tokens, escaped. */
class ConversationContentTest {

    private static final List<ConversationContent.Turn> TURNS = List.of(
            new ConversationContent.Turn("a|b", 1, 2, 4, 4, 0, 100.0, 98.0, 20.0, 200.0),
            new ConversationContent.Turn("a|b", 2, 2, 4, 3, 1, 130.0, 125.0, 21.0, 800.0),
            new ConversationContent.Turn("a|b", 3, 1, 2, 2, 0, 160.0, 160.0, 22.0, 1400.0),
            new ConversationContent.Turn("nocount", 1, 1, 2, 2, 0, 50.0, 50.0, 10.0, null),
            new ConversationContent.Turn("nocount", 2, 1, 2, 2, 0, 75.0, 75.0, 10.0, null),
            new ConversationContent.Turn("failed", 1, 1, 2, 0, 0, null, null, null, null),
            new ConversationContent.Turn("failed", 2, 1, 2, 0, 2, null, null, null, null));

    @Test
    void ttftGrowthIsTheRatioOfTheFirstAndLastAnsweredTurnsAndTheMsAddedPerThousandPromptTokens() {
        List<ConversationContent.Growth> growth = ConversationContent.growth(TURNS);

        assertThat(growth).extracting(ConversationContent.Growth::model).containsExactly("a|b", "nocount");
        ConversationContent.Growth ab = growth.getFirst();
        assertThat(ab.firstTurn()).isEqualTo(1);
        assertThat(ab.lastTurn()).isEqualTo(3);
        assertThat(ab.ratio()).isCloseTo(1.6, within(1e-9));
        assertThat(ab.msPerThousandTokens()).isCloseTo(60.0 / 1.2, within(1e-9));
        assertThat(growth.get(1).ratio()).isCloseTo(1.5, within(1e-9));
        assertThat(growth.get(1).msPerThousandTokens()).isNull(); // prompt tokens not counted
    }

    @Test
    void noConversationsNoSection() {
        ReportDocument doc = new ReportDocument("t");
        ConversationContent.insert(doc, 5, List.of());
        assertThat(doc.blocks()).isEmpty();
    }

    @Test
    void aRowPerModelAndTurnAndTheGrowthTableEscaped() {
        ReportDocument doc = new ReportDocument("t");
        doc.add(new ReportDocument.Heading(2, "Trends"));
        ConversationContent.insert(doc, 5, TURNS);

        assertThat(doc.blocks().getFirst()).isEqualTo(new ReportDocument.Heading(2, ConversationContent.HEADING));
        String md = MarkdownRenderer.render(doc, "");
        assertThat(md).contains("conversation_turns WHERE run_id = 5")
                .contains("|a\\|b|2|2|3 / 4|1|130.0 ms|125.0 ms|21.0 ms|800|")
                .contains("|failed|2|1|0 / 2|2|—|—|—|—|")
                .contains("|a\\|b|1 → 3|100.0 ms|160.0 ms|1.60×|50.0 ms|")
                .contains("|nocount|1 → 2|50.0 ms|75.0 ms|1.50×|—|");
    }
}
