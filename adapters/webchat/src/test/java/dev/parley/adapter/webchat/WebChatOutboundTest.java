package dev.parley.adapter.webchat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ContractJson;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebChatOutboundTest {

    private final ObjectMapper json = ContractJson.newMapper();
    private final BotProfile bot = new BotProfile("webchat", Platform.WEBCHAT, "Web chat", Map.of(), null);
    private final OutboundMessage reply = new OutboundMessage("r-1",
            new ReplyRoute(Platform.WEBCHAT, "webchat", "v-1", null, "m-1"), ReplyKind.FINAL, 0, "**hi**");

    /** Records pushes; answers with how many sockets it pretends to hold. */
    private static final class RecordingSockets implements VisitorSockets {
        final List<String> frames = new ArrayList<>();
        final int open;

        RecordingSockets(int open) {
            this.open = open;
        }

        @Override
        public int push(String botId, String visitorId, String frameJson) {
            frames.add(botId + "/" + visitorId + "/" + frameJson);
            return open;
        }
    }

    @Test
    void aConnectedVisitorGetsAReplyFrameWithMarkdownAndSafeHtml() throws Exception {
        RecordingSockets sockets = new RecordingSockets(1);

        DeliveryOutcome outcome = new WebChatOutbound(json, new WebChatFormat(), sockets).send(bot, reply);

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(List.of("r-1")));
        assertThat(sockets.frames).hasSize(1);
        String pushed = sockets.frames.get(0);
        assertThat(pushed).startsWith("webchat/v-1/");
        JsonNode frame = json.readTree(pushed.substring("webchat/v-1/".length()));
        assertThat(frame.get("type").asText()).isEqualTo("reply");
        assertThat(frame.get("replyTo").asText()).isEqualTo("m-1");
        assertThat(frame.get("markdown").asText()).isEqualTo("**hi**");
        assertThat(frame.get("html").asText()).isEqualTo("<p><strong>hi</strong></p>\n");
    }

    @Test
    void aVisitorWithoutASocketHereMeansTryLater() {
        DeliveryOutcome outcome = new WebChatOutbound(json, new WebChatFormat(), new RecordingSockets(0)).send(bot, reply);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
    }
}
