package dev.parley.contract.spi;

import java.time.Duration;
import java.util.List;

/** What became of one send to a platform; the hub's delivery decides on retries and dead letters from it. */
public sealed interface DeliveryOutcome {

    /** Sent; the platform's ids for the message or its chunks. */
    record Delivered(List<String> platformMessageIds) implements DeliveryOutcome {
        public Delivered {
            platformMessageIds = List.copyOf(platformMessageIds);
        }
    }

    /** Not sent now, worth trying again after the given delay (429 retry-after, 5xx, the recipient offline). */
    record RetryLater(Duration after, String reason) implements DeliveryOutcome {
    }

    /** Never going to succeed as it is (bot blocked, chat gone, text refused). */
    record Failed(String reason) implements DeliveryOutcome {
    }
}
