package dev.parley.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.reply.ChatMessage;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatRequestParserTest {

    private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

    private ChatRequest accepted(String body) {
        ChatRequestParser.Result result = parser.parse(body);
        assertThat(result).isInstanceOf(ChatRequestParser.Accepted.class);
        return ((ChatRequestParser.Accepted) result).request();
    }

    @Test
    void readsWhatTheReplicaActsOn() {
        ChatRequest request = accepted("""
                {"model":"m","stream":true,"stream_options":{"include_usage":true},"max_tokens":9,
                 "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}""");

        assertThat(request.model()).isEqualTo("m");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.maxTokens()).isEqualTo(OptionalInt.of(9));
        assertThat(request.messages()).containsExactly(new ChatMessage("system", "be brief"), new ChatMessage("user", "hi"));
        assertThat(request.rawMessages().size()).isEqualTo(2);
    }

    @Test
    void defaultsToANonStreamingRequestWithoutLimit() {
        ChatRequest request = accepted("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(request.stream()).isFalse();
        assertThat(request.includeUsage()).isFalse();
        assertThat(request.maxTokens()).isEmpty();
        assertThat(request.model()).isNull();
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        assertThat(accepted("{\"max_completion_tokens\":4,\"max_tokens\":8,\"messages\":[{\"role\":\"user\"}]}").maxTokens())
                .isEqualTo(OptionalInt.of(4));
    }

    @Test
    void takesTheTextPartsOfMultimodalContent() {
        ChatRequest request = accepted("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"look at"},
                 {"type":"image_url","image_url":{"url":"http://x"}},{"type":"text","text":"this"}]}]}""");

        assertThat(request.messages()).containsExactly(new ChatMessage("user", "look at this"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{bad", "[]", "{}", "{\"messages\":[]}", "{\"messages\":\"hi\"}",
            "{\"messages\":[{\"content\":\"no role\"}]}", "{\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}",
            "{\"messages\":[{\"role\":\"user\"}],\"max_tokens\":0}", "{\"messages\":[{\"role\":\"user\"}],\"max_tokens\":2.5}",
            "{\"messages\":[{\"role\":\"user\"}],\"max_completion_tokens\":\"3\"}"})
    void rejectsWhatIsNotAChatCompletionRequest(String body) {
        assertThat(parser.parse(body)).isInstanceOf(ChatRequestParser.Rejected.class);
    }

    @Test
    void rejectsAMissingBody() {
        assertThat(parser.parse(null)).isInstanceOf(ChatRequestParser.Rejected.class);
    }
}
