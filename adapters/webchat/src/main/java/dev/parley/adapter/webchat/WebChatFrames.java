package dev.parley.adapter.webchat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.OutboundMessage;
import java.io.IOException;

/**
 * The web chat's socket protocol, one JSON object per frame, shared by the page's script and the hub.
 *
 * <pre>
 * client → hub   {"type":"message","id":"&lt;client message id&gt;","text":"…"}
 *                {"type":"ack","key":"…"}                a reply was shown; the hub stops keeping it
 * hub → client   {"type":"welcome","visitorToken":"…","conversationId":"…"}    once per connection
 *                {"type":"accepted","id":"…"}            the message is durably in Kafka
 *                {"type":"rejected","id":"…","status":400,"reason":"…"}
 *                {"type":"reply","key":"…","replyTo":"…","requestId":"…","kind":"final","markdown":"…","html":"…"}
 *                    sent again after a reconnect until acknowledged: the client shows each key once
 * </pre>
 */
public final class WebChatFrames {
    public static final String MESSAGE = "message";
    public static final String WELCOME = "welcome";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String REPLY = "reply";
    public static final String ACK = "ack";

    /** Longest message a visitor may send, in characters; longer frames are refused with 413. */
    public static final int MAX_TEXT_CHARS = 4000;

    private final ObjectMapper json;

    public WebChatFrames(ObjectMapper json) {
        this.json = json;
    }

    public String welcome(String visitorToken, String conversationId) {
        return write(json.createObjectNode().put("type", WELCOME).put("visitorToken", visitorToken)
                .put("conversationId", conversationId));
    }

    public String accepted(String clientMessageId) {
        return write(json.createObjectNode().put("type", ACCEPTED).put("id", clientMessageId));
    }

    public String rejected(String clientMessageId, int status, String reason) {
        return write(json.createObjectNode().put("type", REJECTED).put("id", clientMessageId).put("status", status)
                .put("reason", reason));
    }

    /** A reply's identity across redeliveries: request, kind and sequence. */
    public static String replyKey(OutboundMessage message) {
        return message.requestId() + ":" + message.kind().id() + ":" + message.sequence();
    }

    /** The key an {@code ack} frame acknowledges, or {@code null} when the frame is not an ack. */
    public String ackedKeyOf(String frame) {
        if (!frame.contains("\"" + ACK + "\"")) {
            return null; // cheap pre-check: most frames are messages
        }
        try {
            JsonNode node = json.readTree(frame);
            return ACK.equals(node.path("type").asText()) && node.path("key").isTextual() ? node.get("key").asText()
                    : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The client's message id in a frame, if it has a readable one; used to answer refusals precisely. */
    public String clientMessageIdOf(byte[] frame) {
        try {
            JsonNode id = json.readTree(frame).path("id");
            return id.isTextual() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    String write(ObjectNode frame) {
        try {
            return json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings always serialises", e);
        }
    }
}
