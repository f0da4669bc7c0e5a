package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractJsonTest {

    private final ObjectMapper json = ContractJson.newMapper();
    private final Instant t0 = Instant.parse("2026-11-23T07:00:00.123456Z");
    private final ReplyRoute route = new ReplyRoute(Platform.TELEGRAM, "support-bot", "-1001234", "42", "777");

    @Test
    void inboundMessageRoundTripsAndKeepsItsDedupKey() throws Exception {
        InboundMessage message = new InboundMessage("h-1", Platform.TELEGRAM, "support-bot", "777",
                new ChatRef("-1001234", ChatKind.GROUP, "42"), new Sender("99", "Ada", false), "hello **there**",
                List.of(new Attachment("photo", "AgAD", "image/jpeg", 2048L, null)), "770", true, t0, t0.plusMillis(5));

        String text = json.writeValueAsString(message);
        InboundMessage back = json.readValue(text, InboundMessage.class);

        assertThat(back).isEqualTo(message);
        assertThat(back.dedupKey()).isEqualTo("telegram:support-bot:777");
        assertThat(back.replyRoute()).isEqualTo(route);
        JsonNode tree = json.readTree(text);
        assertThat(tree.get("platform").asText()).isEqualTo("telegram");
        assertThat(tree.get("chat").get("kind").asText()).isEqualTo("group");
        assertThat(tree.get("receivedAt").asText()).isEqualTo("2026-11-23T07:00:00.128456Z");
    }

    @Test
    void aSeparateDedupIdIdentifiesRedeliveriesWhileRepliesPointAtTheMessage() throws Exception {
        InboundMessage edit = new InboundMessage("h-2", Platform.TELEGRAM, "support-bot", "777",
                ChatRef.direct("99"), new Sender("99", "Ada", false), "fixed typo", List.of(), null, true, t0, t0,
                "update-1002");

        InboundMessage back = json.readValue(json.writeValueAsString(edit), InboundMessage.class);

        assertThat(back).isEqualTo(edit);
        assertThat(back.dedupKey()).isEqualTo("telegram:support-bot:update-1002");
        assertThat(back.replyRoute().replyToMessageId()).isEqualTo("777");
    }

    @Test
    void chatRequestRoundTripsWithSchemaVersion() throws Exception {
        ChatRequest request = new ChatRequest(ChatRequest.SCHEMA_VERSION, "r-1", "c-1", "u-1", route, "what time is it?",
                List.of(), t0);

        String text = json.writeValueAsString(request);

        assertThat(json.readTree(text).get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.readValue(text, ChatRequest.class)).isEqualTo(request);
    }

    @Test
    void chatReplyRoundTripsWithUsageAndTimings() throws Exception {
        ChatReply reply = new ChatReply(ChatReply.SCHEMA_VERSION, "r-1", "c-1", route, ReplyKind.FINAL, 0,
                "It is *noon*.", "parley-simulator", new ChatReply.Usage(12, 5),
                new ChatReply.Timings(t0, t0.plusMillis(3), t0.plusMillis(40), t0.plusMillis(90)));

        String text = json.writeValueAsString(reply);

        assertThat(json.readTree(text).get("kind").asText()).isEqualTo("final");
        assertThat(json.readTree(text).get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.readValue(text, ChatReply.class)).isEqualTo(reply);
    }

    @Test
    void aReaderToleratesFieldsFromANewerSchema() throws Exception {
        String newer = """
                {"schemaVersion":2,"requestId":"r-9","conversationId":"c-9","userId":"u-9",
                 "route":{"platform":"slack","botId":"b","chatId":"D1","threadId":null,"replyToMessageId":"1.2",
                          "priority":"high"},
                 "text":"hi","attachments":[],"receivedAt":"2026-11-23T07:00:00Z","locale":"de"}
                """;

        ChatRequest request = json.readValue(newer, ChatRequest.class);

        assertThat(request.schemaVersion()).isEqualTo(2);
        assertThat(request.route().platform()).isEqualTo(Platform.SLACK);
        assertThat(request.text()).isEqualTo("hi");
    }

    @Test
    void aRecordWithoutItsKeyFieldsIsRejected() {
        String missingConversation = """
                {"schemaVersion":1,"requestId":"r-9","userId":"u-9",
                 "route":{"platform":"webchat","botId":"b","chatId":"v"},"receivedAt":"2026-11-23T07:00:00Z"}
                """;

        assertThatThrownBy(() -> json.readValue(missingConversation, ChatRequest.class))
                .hasRootCauseInstanceOf(NullPointerException.class)
                .hasRootCauseMessage("conversation id");
    }

    @Test
    void nullListsAndTextBecomeEmpty() {
        ChatRequest request = new ChatRequest(1, "r", "c", "u", route, null, null, t0);

        assertThat(request.text()).isEmpty();
        assertThat(request.attachments()).isEmpty();
    }
}
