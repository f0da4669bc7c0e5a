package dev.parley.contract;

import java.util.Objects;

/**
 * A reply on its way to a platform: what an adapter's outbound side renders, chunks and sends.
 *
 * @param markdown the text as CommonMark
 */
public record OutboundMessage(String requestId, ReplyRoute route, ReplyKind kind, int sequence, String markdown) {
    public OutboundMessage {
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(route, "reply route");
        Objects.requireNonNull(kind, "reply kind");
        markdown = markdown == null ? "" : markdown;
    }

    public static OutboundMessage of(ChatReply reply) {
        return new OutboundMessage(reply.requestId(), reply.route(), reply.kind(), reply.sequence(), reply.text());
    }
}
