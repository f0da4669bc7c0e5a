package dev.parley.hub.delivery;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test adapter the pipeline issue asks for: a platform adapter (on the otherwise unused Discord slot) whose
 * sends answer what a test scripted (429s, refusals) and are recorded with their time. Only in tests.
 */
@Singleton // no client proxy: the test reads the script and the attempts fields directly
public class ScriptedTestAdapter implements PlatformAdapter {

    record Attempt(Instant at, OutboundMessage message) {
    }

    final Queue<DeliveryOutcome> script = new ConcurrentLinkedQueue<>();
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    @Override
    public Platform platform() {
        return Platform.DISCORD;
    }

    @Override
    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        return new InboundOutcome.Refused(404, "the test adapter has no inbound side");
    }

    @Override
    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        attempts.add(new Attempt(Instant.now(), message));
        DeliveryOutcome next = script.poll();
        return next != null ? next : new DeliveryOutcome.Delivered(List.of("msg-" + attempts.size()));
    }
}
