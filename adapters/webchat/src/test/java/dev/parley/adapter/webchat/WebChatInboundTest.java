package dev.parley.adapter.webchat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatKind;
import dev.parley.contract.ContractJson;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebChatInboundTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private final ObjectMapper json = ContractJson.newMapper();
    private final WebChatInbound inbound = new WebChatInbound(json, Clock.fixed(NOW, ZoneOffset.UTC));
    private final BotProfile bot = new BotProfile("webchat", Platform.WEBCHAT, "Web chat", Map.of(), null);

    private InboundOutcome receive(String visitor, String frame) {
        byte[] body = frame.getBytes(StandardCharsets.UTF_8);
        return inbound.receive(bot, visitor == null
                ? new InboundPayload(Map.of(), Map.of(), body, null)
                : InboundPayload.ofAuthenticatedFrame(visitor, body));
    }

    @Test
    void aValidFrameBecomesADirectMessageFromTheVisitor() {
        InboundOutcome outcome = receive("v-123", "{\"type\":\"message\",\"id\":\"m-1\",\"text\":\"  hello  \"}");

        assertThat(outcome).isInstanceOf(InboundOutcome.Accepted.class);
        InboundMessage message = ((InboundOutcome.Accepted) outcome).messages().get(0);
        assertThat(message.platform()).isEqualTo(Platform.WEBCHAT);
        assertThat(message.chat().id()).isEqualTo("v-123");
        assertThat(message.chat().kind()).isEqualTo(ChatKind.DIRECT);
        assertThat(message.sender().platformUserId()).isEqualTo("v-123");
        assertThat(message.text()).isEqualTo("hello");
        assertThat(message.dedupKey()).isEqualTo("webchat:webchat:m-1");
        assertThat(message.receivedAt()).isEqualTo(NOW);
    }

    @Test
    void theSenderComesFromTheTokenNotFromTheFrame() {
        InboundOutcome outcome = receive("v-123", "{\"type\":\"message\",\"id\":\"m-1\",\"text\":\"x\",\"sender\":\"v-evil\"}");

        assertThat(((InboundOutcome.Accepted) outcome).messages().get(0).sender().platformUserId()).isEqualTo("v-123");
    }

    @Test
    void badFramesAreRefusedWithAReason() {
        assertThat(receive(null, "{\"type\":\"message\",\"id\":\"m\",\"text\":\"x\"}"))
                .isEqualTo(new InboundOutcome.Refused(401, "web chat frames need an authenticated visitor"));
        assertThat(receive("v", "{not json")).isEqualTo(new InboundOutcome.Refused(400, "frame is not valid JSON"));
        assertThat(receive("v", "[1,2]")).isEqualTo(new InboundOutcome.Refused(400, "frame must be a JSON object"));
        assertThat(receive("v", "{\"type\":\"ping\"}"))
                .isEqualTo(new InboundOutcome.Refused(400, "unknown frame type; expected \"message\""));
        assertThat(receive("v", "{\"type\":\"message\",\"id\":\"a b\",\"text\":\"x\"}"))
                .extracting(o -> ((InboundOutcome.Refused) o).status()).isEqualTo(400);
        assertThat(receive("v", "{\"type\":\"message\",\"id\":\"m\",\"text\":\"   \"}"))
                .isEqualTo(new InboundOutcome.Refused(400, "\"text\" must be a non-empty string"));
        assertThat(receive("v", "{\"type\":\"message\",\"id\":\"m\",\"text\":42}"))
                .isEqualTo(new InboundOutcome.Refused(400, "\"text\" must be a non-empty string"));
    }

    @Test
    void anOversizedMessageIsRefusedWith413() {
        String text = "a".repeat(WebChatFrames.MAX_TEXT_CHARS + 1);

        assertThat(receive("v", "{\"type\":\"message\",\"id\":\"m\",\"text\":\"" + text + "\"}"))
                .isEqualTo(new InboundOutcome.Refused(413, "text longer than 4000 characters"));
    }
}
