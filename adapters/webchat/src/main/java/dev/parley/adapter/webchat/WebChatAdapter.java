package dev.parley.adapter.webchat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import java.time.Clock;

/** The web chat on the adapter SPI: its inbound and outbound rooms put together. */
public final class WebChatAdapter implements PlatformAdapter {

    private final WebChatInbound inbound;
    private final WebChatOutbound outbound;
    private final WebChatFrames frames;

    public WebChatAdapter(ObjectMapper json, Clock clock, VisitorSockets sockets) {
        this.frames = new WebChatFrames(json);
        this.inbound = new WebChatInbound(json, clock);
        this.outbound = new WebChatOutbound(json, new WebChatFormat(), sockets);
    }

    @Override
    public Platform platform() {
        return Platform.WEBCHAT;
    }

    @Override
    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        return inbound.receive(bot, payload);
    }

    @Override
    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        return outbound.send(bot, message);
    }

    /** The socket protocol's control frames. */
    public WebChatFrames frames() {
        return frames;
    }

    public String replyFrame(OutboundMessage message) {
        return outbound.replyFrame(message);
    }
}
