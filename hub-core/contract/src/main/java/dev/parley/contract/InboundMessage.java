package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message a user wrote on a platform, normalised by its adapter. The pipeline sees only this, never the
 * platform's payload.
 *
 * @param hubId             Parley's own id for this message, unique across platforms
 * @param platformMessageId the platform's id for the message, the one replies point at
 * @param dedupId           what identifies a redelivery when it is not the message id (Telegram's
 *                          {@code update_id}: an edit keeps its message id but is a new update); {@code null}
 *                          means the message id
 * @param replyToMessageId  the platform message this one answers, or {@code null}
 * @param mentionsBot       whether the bot was addressed (mention, command, reply to the bot); groups need it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InboundMessage(
        String hubId,
        Platform platform,
        String botId,
        String platformMessageId,
        ChatRef chat,
        Sender sender,
        String text,
        List<Attachment> attachments,
        String replyToMessageId,
        boolean mentionsBot,
        Instant platformTimestamp,
        Instant receivedAt,
        String dedupId) {

    /** A message whose platform message id also identifies its redeliveries. */
    public InboundMessage(String hubId, Platform platform, String botId, String platformMessageId, ChatRef chat,
                          Sender sender, String text, List<Attachment> attachments, String replyToMessageId,
                          boolean mentionsBot, Instant platformTimestamp, Instant receivedAt) {
        this(hubId, platform, botId, platformMessageId, chat, sender, text, attachments, replyToMessageId, mentionsBot,
                platformTimestamp, receivedAt, null);
    }

    public InboundMessage {
        Objects.requireNonNull(hubId, "hub id");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(botId, "bot id");
        Objects.requireNonNull(platformMessageId, "platform message id");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receivedAt, "received at");
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The key under which a redelivery of this message is recognised, across all hub nodes. */
    public String dedupKey() {
        return platform.id() + ":" + botId + ":" + (dedupId == null ? platformMessageId : dedupId);
    }

    /** The way back to where this message was written. */
    public ReplyRoute replyRoute() {
        return new ReplyRoute(platform, botId, chat.id(), chat.threadId(), platformMessageId);
    }
}
