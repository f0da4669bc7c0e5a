package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * Where a reply goes: the platform, bot, chat and thread the question came from, and the message it answers.
 * It travels through Kafka unchanged so that any hub node can deliver the reply.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReplyRoute(Platform platform, String botId, String chatId, String threadId, String replyToMessageId) {
    public ReplyRoute {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(botId, "bot id");
        Objects.requireNonNull(chatId, "chat id");
    }
}
