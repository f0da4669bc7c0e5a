package dev.parley.hub.pipeline;

import dev.parley.contract.ChatKind;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;

/**
 * Names the conversation a message belongs to; the name is the Kafka key (ordering) and the session key
 * (history). A direct chat is one conversation per user and bot; a group is one per chat and thread.
 *
 * <p>Not finished: account linking (one conversation for a person across platforms) replaces the platform user
 * with the unified user id once the identity map exists (issue "pipeline guarantees").
 */
public final class ConversationIds {

    private ConversationIds() {
    }

    public static String of(InboundMessage message) {
        if (message.chat().kind() == ChatKind.DIRECT) {
            return direct(message.platform(), message.botId(), message.sender().platformUserId());
        }
        String thread = message.chat().threadId() == null ? "" : ":" + message.chat().threadId();
        return message.platform().id() + ":" + message.botId() + ":chat:" + message.chat().id() + thread;
    }

    public static String direct(Platform platform, String botId, String platformUserId) {
        return platform.id() + ":" + botId + ":dm:" + platformUserId;
    }

    /** The user's id across Parley; until accounts can be linked it is their platform identity. */
    public static String userOf(InboundMessage message) {
        return message.platform().id() + ":" + message.sender().platformUserId();
    }
}
