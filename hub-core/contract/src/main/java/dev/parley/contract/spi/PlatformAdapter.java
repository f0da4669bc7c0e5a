package dev.parley.contract.spi;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;

/**
 * What every platform adapter does, and all it does: turn the platform's bytes into {@code InboundMessage}s and
 * Parley's replies into platform calls. Adapters know nothing of Kafka, Redis or Infinispan; what they need of
 * the hub (a socket to push to, a rate-limit permit) is handed to them as a narrow interface.
 */
public interface PlatformAdapter {

    Platform platform();

    /** Verifies and parses one inbound payload (a webhook request, a socket frame). Never throws for bad input. */
    InboundOutcome receive(BotProfile bot, InboundPayload payload);

    /** Renders, chunks and sends one reply. Never throws for platform refusals: they are outcomes. */
    DeliveryOutcome send(BotProfile bot, OutboundMessage message);
}
