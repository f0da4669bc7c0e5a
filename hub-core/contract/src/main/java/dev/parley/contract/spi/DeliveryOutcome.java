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

    /**
     * Never going to succeed as it is (bot blocked, chat gone, text refused, outside WhatsApp's 24-hour window).
     *
     * @param code the platform's error code when it gave one (kept in the hub's delivery record and metrics), or
     *             {@code null}
     */
    record Failed(String reason, String code) implements DeliveryOutcome {
        public Failed(String reason) {
            this(reason, null);
        }
    }

    /**
     * The platform refused the bot's credentials (revoked or expired token): nothing for this bot will be sent until
     * an admin sets new ones, and the hub marks the bot so.
     */
    record CredentialsRejected(String reason) implements DeliveryOutcome {
    }
}
