package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * Where a message was written on its platform: the chat, its kind, and the thread inside it (Telegram forum
 * topic, Slack thread) or {@code null} when the chat has no threads.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatRef(String id, ChatKind kind, String threadId) {
    public ChatRef {
        Objects.requireNonNull(id, "chat id");
        Objects.requireNonNull(kind, "chat kind");
    }

    public static ChatRef direct(String id) {
        return new ChatRef(id, ChatKind.DIRECT, null);
    }
}
