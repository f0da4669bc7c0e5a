package dev.parley.contract.spi;

import dev.parley.contract.InboundMessage;
import java.util.List;

/** Where a listening adapter hands what it received: the hub's pipeline, the same one webhooks go into. */
@FunctionalInterface
public interface InboundSink {

    /**
     * Stores the messages (on Kafka, deduplicated) and returns once that is done. {@code false} when they could not
     * all be stored now: the adapter must not confirm them to the platform, so they come again.
     */
    boolean store(List<InboundMessage> messages);
}
