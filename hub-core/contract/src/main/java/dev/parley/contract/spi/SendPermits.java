package dev.parley.contract.spi;

import java.time.Duration;
import java.util.List;

/**
 * The platform's send limits, shared by every hub node (the hub keeps the buckets in Redis), as an adapter asks for
 * them before each call that posts a message.
 */
@FunctionalInterface
public interface SendPermits {

    /** One bucket: at most {@code permits} sends per {@code period} for this scope (a chat, a group, the bot). */
    record Limit(String scope, int permits, Duration period) {
    }

    /**
     * Takes one send from every bucket, all or none. {@link Duration#ZERO} when taken; otherwise how long until all
     * of them would have room, and nothing is taken.
     */
    Duration tryTake(String botId, List<Limit> limits);

    /** No limits: for tests of an adapter on its own. */
    SendPermits UNLIMITED = (botId, limits) -> Duration.ZERO;
}
