package dev.parley.contract;

/**
 * Kafka topic names and consumer groups, the only path between hub and bridge. Dead-letter records carry the
 * failure reason in the {@link #HEADER_FAILURE_REASON} header.
 */
public final class Topics {
    public static final String REQUESTS = "parley.requests";
    public static final String REPLIES = "parley.replies";
    public static final String REQUESTS_DLQ = "parley.requests.dlq";
    public static final String REPLIES_DLQ = "parley.replies.dlq";

    /** The bridge's group on {@link #REQUESTS}; its lag is Parley's headline operational number. */
    public static final String GROUP_BRIDGE = "parley-bridge";
    /** The hub's delivery group on {@link #REPLIES}. */
    public static final String GROUP_HUB_DELIVERY = "parley-hub-delivery";

    /** Written by the consumers' dead-letter handling (SmallRye Reactive Messaging's header name). */
    public static final String HEADER_FAILURE_REASON = "dead-letter-reason";

    private Topics() {
    }
}
