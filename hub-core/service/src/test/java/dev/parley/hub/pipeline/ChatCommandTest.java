package dev.parley.hub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatCommandTest {

    @Test
    void recognisesTheHubsCommandsInTheirPlatformForms() {
        assertThat(ChatCommand.parse("/help")).contains(new ChatCommand(ChatCommand.Kind.HELP, ""));
        assertThat(ChatCommand.parse(" /RESET ")).contains(new ChatCommand(ChatCommand.Kind.RESET, ""));
        assertThat(ChatCommand.parse("/link@parley_bot  ab12cd ")).contains(new ChatCommand(ChatCommand.Kind.LINK, "ab12cd"));
        assertThat(ChatCommand.parse("/unlink")).contains(new ChatCommand(ChatCommand.Kind.UNLINK, ""));
        assertThat(ChatCommand.parse("/start")).contains(new ChatCommand(ChatCommand.Kind.HELP, ""));
    }

    @Test
    void anythingElseIsAQuestionForTheModel() {
        assertThat(ChatCommand.parse("what does /reset do?")).isEmpty();
        assertThat(ChatCommand.parse("/weather in Paris")).isEmpty();
        assertThat(ChatCommand.parse("")).isEmpty();
        assertThat(ChatCommand.parse(null)).isEmpty();
    }
}
