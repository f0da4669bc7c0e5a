package dev.parley.adapter.whatsapp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.contract.spi.SendPermits;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * WhatsApp on the adapter SPI: its inbound room (the webhook handshake, signed message and status callbacks) and
 * its outbound room put together. WhatsApp has no long polling or socket, so it is not an {@code InboundListener}.
 */
public final class WhatsAppAdapter implements PlatformAdapter {

    private final WhatsAppInbound inbound;
    private final WhatsAppOutbound outbound;

    public WhatsAppAdapter(ObjectMapper json, SendPermits permits) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.inbound = new WhatsAppInbound(json);
        this.outbound = new WhatsAppOutbound(new WhatsAppGraphApi(http, json), new WhatsAppFormat(), permits);
    }

    @Override
    public Platform platform() {
        return Platform.WHATSAPP;
    }

    @Override
    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        return inbound.receive(bot, payload);
    }

    @Override
    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        return outbound.send(bot, message);
    }
}
