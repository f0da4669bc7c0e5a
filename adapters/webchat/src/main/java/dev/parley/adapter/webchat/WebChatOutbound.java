package dev.parley.adapter.webchat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import java.time.Duration;
import java.util.List;

/**
 * Delivers a reply to a visitor's open sockets on this node as a {@code reply} frame carrying both the CommonMark
 * and its safe HTML rendering. The web chat has no length limit worth chunking for.
 */
public final class WebChatOutbound {

    /** How soon the hub should try again when the visitor has no socket here (they may be reconnecting). */
    static final Duration OFFLINE_RETRY = Duration.ofSeconds(5);

    private final ObjectMapper json;
    private final WebChatFrames frames;
    private final WebChatFormat format;
    private final VisitorSockets sockets;

    public WebChatOutbound(ObjectMapper json, WebChatFormat format, VisitorSockets sockets) {
        this.json = json;
        this.frames = new WebChatFrames(json);
        this.format = format;
        this.sockets = sockets;
    }

    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        String frame = replyFrame(message);
        int received = sockets.push(bot.botId(), message.route().chatId(), frame);
        if (received == 0) {
            return new DeliveryOutcome.RetryLater(OFFLINE_RETRY, "visitor has no open socket on this node");
        }
        return new DeliveryOutcome.Delivered(List.of(message.requestId()));
    }

    /** The frame as sent; the hub also keeps it for visitors who reconnect later. */
    public String replyFrame(OutboundMessage message) {
        return frames.write(json.createObjectNode()
                .put("type", WebChatFrames.REPLY)
                .put("key", WebChatFrames.replyKey(message))
                .put("replyTo", message.route().replyToMessageId())
                .put("requestId", message.requestId())
                .put("kind", message.kind().id())
                .put("sequence", message.sequence())
                .put("markdown", message.markdown())
                .put("html", format.toHtml(message.markdown())));
    }
}
