package dev.parley.contract.spi;

import java.util.function.BooleanSupplier;

/**
 * The side of an adapter that receives by holding a connection to the platform instead of being called by a webhook
 * (Telegram's {@code getUpdates} long polling, Slack's Socket Mode). The hub runs {@link #listen} for a bot on
 * exactly one node at a time, under a lease, and starts it again elsewhere when that node dies.
 */
public interface InboundListener {

    /** Whether this bot is received by listening (for Telegram: no webhook is registered for it). */
    boolean listensFor(BotProfile bot);

    /**
     * Receives until {@code keepListening} turns false, handing every batch to {@code sink} and confirming it to the
     * platform only after the sink said it is stored. Returns when told to stop; throws when the connection fails
     * (the hub tries again after a pause). Must look at {@code keepListening} at least every 15 seconds.
     */
    void listen(BotProfile bot, InboundSink sink, BooleanSupplier keepListening) throws Exception;
}
