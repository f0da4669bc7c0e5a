package dev.parley.hub.pipeline;

import dev.parley.contract.ChatKind;
import dev.parley.contract.InboundMessage;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Names the conversation a message belongs to; the name is the Kafka key (ordering) and the session key
 * (history). A person's direct chats are one conversation across every platform they linked ({@code dm:<user>});
 * a group is one per platform chat and thread. {@code /reset} moves to the next epoch of the name, so the next
 * message starts a fresh history (the old one expires when idle).
 */
@ApplicationScoped
public class ConversationIds {

    private final ReactiveValueCommands<String, Long> epochs;

    public ConversationIds(ReactiveRedisDataSource redis) {
        this.epochs = redis.value(Long.class);
    }

    public Uni<String> of(InboundMessage message, String unifiedUser) {
        return current(base(message, unifiedUser));
    }

    public Uni<String> direct(String unifiedUser) {
        return current(directBase(unifiedUser));
    }

    /** Starts a fresh conversation for this chat; returns its name. */
    public Uni<String> reset(InboundMessage message, String unifiedUser) {
        String base = base(message, unifiedUser);
        return epochs.incr(epochKey(base)).map(epoch -> named(base, epoch));
    }

    private Uni<String> current(String base) {
        return epochs.get(epochKey(base)).map(epoch -> named(base, epoch == null ? 0 : epoch));
    }

    static String base(InboundMessage message, String unifiedUser) {
        if (message.chat().kind() == ChatKind.DIRECT) {
            return directBase(unifiedUser);
        }
        String thread = message.chat().threadId() == null ? "" : ":" + message.chat().threadId();
        return message.platform().id() + ":" + message.botId() + ":chat:" + message.chat().id() + thread;
    }

    private static String directBase(String unifiedUser) {
        return "dm:" + unifiedUser;
    }

    private static String named(String base, long epoch) {
        return epoch == 0 ? base : base + "~" + epoch;
    }

    private static String epochKey(String base) {
        return "parley:epoch:" + base;
    }
}
