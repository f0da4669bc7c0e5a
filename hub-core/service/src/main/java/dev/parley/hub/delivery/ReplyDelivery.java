package dev.parley.hub.delivery;

import dev.parley.contract.ChatReply;
import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code parley.replies} (group {@code parley-hub-delivery}) and hands each reply to its platform's
 * delivery. The offset is committed after delivery; a reply seen again after a crash (same request, kind and
 * sequence) is skipped so the user sees it once. Replies that cannot be delivered go to {@code parley.replies.dlq}.
 */
@ApplicationScoped
public class ReplyDelivery {

    private final WebChatDelivery webChat;
    private final ReactiveValueCommands<String, String> values;
    private final HubConfig.Delivery config;

    public ReplyDelivery(WebChatDelivery webChat, ReactiveRedisDataSource redis, HubConfig config) {
        this.webChat = webChat;
        this.values = redis.value(String.class);
        this.config = config.delivery();
    }

    @Incoming("chat-replies")
    public Uni<Void> onReply(ChatReply reply) {
        if (reply == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("reply record is not a readable ChatReply"));
        }
        String replayKey = "parley:delivered:" + reply.requestId() + ":" + reply.kind().id() + ":" + reply.sequence();
        return values.get(replayKey).flatMap(seen -> seen != null
                ? Uni.createFrom().voidItem()
                : route(reply).call(() -> values.set(replayKey, "1", new SetArgs().px(config.replayWindow()))));
    }

    private Uni<Void> route(ChatReply reply) {
        return switch (reply.route().platform()) {
            case WEBCHAT -> webChat.deliver(reply);
            // Not finished: the other platforms' deliveries arrive with their adapters.
            default -> Uni.createFrom().failure(new UnsupportedOperationException(
                    "no delivery for platform " + reply.route().platform().id() + " yet"));
        };
    }
}
