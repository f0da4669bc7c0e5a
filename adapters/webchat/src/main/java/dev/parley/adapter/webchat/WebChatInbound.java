package dev.parley.adapter.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatRef;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.Sender;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a visitor's socket frame into an {@link InboundMessage}. The hub has already verified the visitor's
 * signed token, so the sender comes from the payload's authenticated id, never from the frame.
 */
public final class WebChatInbound {

    /** Client message ids are the dedup key: short and plain, so they are safe in Redis keys and logs. */
    private static final Pattern CLIENT_MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ObjectMapper json;
    private final Clock clock;

    public WebChatInbound(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        if (payload.authenticatedSenderId() == null) {
            return new InboundOutcome.Refused(401, "web chat frames need an authenticated visitor");
        }
        JsonNode frame;
        try {
            frame = json.readTree(payload.body());
        } catch (IOException e) {
            return new InboundOutcome.Refused(400, "frame is not valid JSON");
        }
        if (frame == null || !frame.isObject()) {
            return new InboundOutcome.Refused(400, "frame must be a JSON object");
        }
        if (!WebChatFrames.MESSAGE.equals(frame.path("type").asText())) {
            return new InboundOutcome.Refused(400, "unknown frame type; expected \"message\"");
        }
        String id = frame.path("id").asText("");
        if (!CLIENT_MESSAGE_ID.matcher(id).matches()) {
            return new InboundOutcome.Refused(400, "\"id\" must be 1-64 letters, digits, '-' or '_'");
        }
        JsonNode textNode = frame.get("text");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isBlank()) {
            return new InboundOutcome.Refused(400, "\"text\" must be a non-empty string");
        }
        String text = textNode.asText().strip();
        if (text.length() > WebChatFrames.MAX_TEXT_CHARS) {
            return new InboundOutcome.Refused(413, "text longer than " + WebChatFrames.MAX_TEXT_CHARS + " characters");
        }
        Instant now = clock.instant();
        String visitor = payload.authenticatedSenderId();
        InboundMessage message = new InboundMessage(UUID.randomUUID().toString(), Platform.WEBCHAT, bot.botId(), id,
                ChatRef.direct(visitor), new Sender(visitor, "Visitor", false), text, List.of(), null, true, now, now);
        return new InboundOutcome.Accepted(List.of(message));
    }
}
