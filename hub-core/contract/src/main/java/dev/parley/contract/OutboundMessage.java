package dev.parley.contract;

import java.util.List;
import java.util.Objects;

/**
 * A reply on its way to a platform: what an adapter's outbound side renders, chunks and sends.
 *
 * <p>A streamed answer arrives as {@link ReplyKind#CHUNK}s, each carrying the whole text so far, then the
 * {@link ReplyKind#FINAL} text. Platforms that edit messages in place post the first chunk and edit it with the
 * later ones: {@code streamedMessageIds} are the platform's ids of what was posted for this answer so far (empty
 * for the first piece, and for answers that were not streamed).
 *
 * @param markdown the text as CommonMark
 */
public record OutboundMessage(String requestId, ReplyRoute route, ReplyKind kind, int sequence, String markdown,
                              List<String> streamedMessageIds) {
    public OutboundMessage {
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(route, "reply route");
        Objects.requireNonNull(kind, "reply kind");
        markdown = markdown == null ? "" : markdown;
        streamedMessageIds = streamedMessageIds == null ? List.of() : List.copyOf(streamedMessageIds);
    }

    public OutboundMessage(String requestId, ReplyRoute route, ReplyKind kind, int sequence, String markdown) {
        this(requestId, route, kind, sequence, markdown, List.of());
    }

    public static OutboundMessage of(ChatReply reply, List<String> streamedMessageIds) {
        return new OutboundMessage(reply.requestId(), reply.route(), reply.kind(), reply.sequence(), reply.text(),
                streamedMessageIds);
    }
}
