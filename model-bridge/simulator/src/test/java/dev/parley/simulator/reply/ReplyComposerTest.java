package dev.parley.simulator.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ReplyComposerTest {

    private static final List<ChatMessage> SECOND_TURN = List.of(
            new ChatMessage("system", "You are Parley."),
            new ChatMessage("user", "hello"),
            new ChatMessage("assistant", "Simulated reply, turn 1."),
            new ChatMessage("user", "hello   again\n"));

    private final ReplyComposer composer = new ReplyComposer(32);

    @Test
    void saysItIsASimulatorAndProvesWhichHistoryItReceived() {
        Reply reply = composer.compose(SECOND_TURN, OptionalInt.empty());

        assertThat(reply.text()).startsWith("Simulated reply from the Parley model simulator (not a real model), turn 2. "
                + "You said: \"hello again\". I received 3 earlier messages. lorem ipsum");
        assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void padsTheReplyToTheConfiguredLength() {
        Reply reply = composer.compose(SECOND_TURN, OptionalInt.empty());

        assertThat(reply.tokens()).hasSize(32);
        assertThat(WordTokenizer.count(reply.text())).isEqualTo(32);
    }

    @Test
    void tokensConcatenateToTheText() {
        Reply reply = composer.compose(SECOND_TURN, OptionalInt.empty());

        assertThat(reply.tokens().get(0)).isEqualTo("Simulated");
        assertThat(reply.tokens().subList(1, reply.tokens().size())).allSatisfy(token -> assertThat(token).startsWith(" "));
        assertThat(String.join(" ", WordTokenizer.words(reply.text()))).isEqualTo(reply.text());
    }

    @Test
    void countsOnlyMessagesBeforeTheLastUserMessageAsEarlier() {
        List<ChatMessage> firstTurn = List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "hi"));

        assertThat(composer.compose(firstTurn, OptionalInt.empty()).text())
                .contains("turn 1. You said: \"hi\". I received 1 earlier message. ");
    }

    @Test
    void aSmallerMaxTokensCutsTheReplyAndSaysSo() {
        Reply full = composer.compose(SECOND_TURN, OptionalInt.empty());
        Reply cut = composer.compose(SECOND_TURN, OptionalInt.of(5));

        assertThat(cut.tokens()).hasSize(5);
        assertThat(cut.text()).isEqualTo("Simulated reply from the Parley");
        assertThat(full.text()).startsWith(cut.text());
        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aLargerMaxTokensChangesNothing() {
        Reply reply = composer.compose(SECOND_TURN, OptionalInt.of(500));

        assertThat(reply.tokens()).hasSize(32);
        assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void keepsTheWholeSentenceWhenItIsLongerThanTheConfiguredLength() {
        Reply reply = new ReplyComposer(3).compose(SECOND_TURN, OptionalInt.empty());

        assertThat(reply.text()).isEqualTo("Simulated reply from the Parley model simulator (not a real model), turn 2. "
                + "You said: \"hello again\". I received 3 earlier messages.");
        assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void quotesOnlyTheStartOfALongMessage() {
        String longMessage = "word ".repeat(100);

        Reply reply = new ReplyComposer(0).compose(List.of(new ChatMessage("user", longMessage)), OptionalInt.empty());

        assertThat(reply.text()).contains("You said: \"" + "word ".repeat(ReplyComposer.QUOTED_WORDS) + "…\".");
    }

    @Test
    void aConversationWithoutUserMessagesIsTurnZero() {
        Reply reply = composer.compose(List.of(new ChatMessage("system", "prime")), OptionalInt.empty());

        assertThat(reply.text()).contains("turn 0. You said: \"\". I received 1 earlier message.");
    }

    @Test
    void promptTokensAreTheWordsOfAllMessages() {
        assertThat(ReplyComposer.promptTokens(SECOND_TURN)).isEqualTo(3 + 1 + 4 + 2);
    }
}
