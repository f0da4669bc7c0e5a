package dev.parley.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContextWindowTest {

    private final ContextWindow window = new ContextWindow(100);

    @Test
    void aRequestThatFitsPasses() {
        assertThat(window.overflow(60, OptionalInt.of(40))).isEmpty();
        assertThat(window.overflow(99, OptionalInt.empty())).isEmpty();
    }

    @Test
    void tooManyRequestedTokensAreRefusedInVllmsWords() {
        assertThat(window.overflow(60, OptionalInt.of(41))).contains("This model's maximum context length is 100 tokens. "
                + "However, you requested 101 tokens (60 in the messages, 41 in the completion). "
                + "Please reduce the length of the messages or completion.");
    }

    @Test
    void aPromptThatLeavesNoRoomIsRefusedWithoutMaxTokens() {
        assertThat(window.overflow(100, OptionalInt.empty())).contains("This model's maximum context length is 100 tokens. "
                + "However, you requested 100 tokens in the messages, Please reduce the length of the messages.");
    }

    @Test
    void theReplyMayFillWhatThePromptLeaves() {
        assertThat(window.roomForCompletion(60)).isEqualTo(40);
    }
}
