package dev.parley.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bridge.pool.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

    @Test
    void systemPromptThenHistoryInOrderThenTheQuestion() {
        List<Turn> history = List.of(
                new Turn(Turn.USER, "hi", "r1", 1),
                new Turn(Turn.ASSISTANT, "hello!", "r1", 2));

        List<ChatMessage> messages = new PromptBuilder("Be brief.").build(history, "how are you?");

        assertThat(messages).containsExactly(
                new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "hi"),
                new ChatMessage("assistant", "hello!"),
                new ChatMessage("user", "how are you?"));
    }

    @Test
    void aBlankSystemPromptIsLeftOut() {
        assertThat(new PromptBuilder(" ").build(List.of(), "q")).containsExactly(new ChatMessage("user", "q"));
    }
}
