package dev.parley.hub.delivery;

import dev.parley.contract.ChatReply;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code parley.replies} (group {@code parley-hub-delivery}) and hands each reply to its platform's
 * delivery. The offset is committed after delivery; a reply seen again after a crash (same request, kind and
 * sequence) is skipped so the user sees it once. Replies that cannot be delivered go to {@code parley.replies.dlq}.
 *
 * <p>Typing hints are shown only while the answer has not gone out (a hint read after its answer, from a lagging
 * partition, would show "typing…" under the answer). Not finished: the web chat page shows neither typing hints
 * nor streamed pieces yet; it gets the final reply.
 */
@ApplicationScoped
public class ReplyDelivery {

    private static final Logger LOG = Logger.getLogger(ReplyDelivery.class);

    private final WebChatDelivery webChat;
    private final PlatformDelivery platforms;
    private final ReactiveValueCommands<String, String> values;
    private final HubConfig.Delivery config;

    public ReplyDelivery(WebChatDelivery webChat, PlatformDelivery platforms, ReactiveRedisDataSource redis,
                         HubConfig config) {
        this.webChat = webChat;
        this.platforms = platforms;
        this.values = redis.value(String.class);
        this.config = config.delivery();
    }

    @Incoming("chat-replies")
    public Uni<Void> onReply(ChatReply reply) {
        if (reply == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("reply record is not a readable ChatReply"));
        }
        LOG.debugf("reply %s (%s %d) for %s bot %s", reply.requestId(), reply.kind().id(), reply.sequence(),
                reply.route().platform().id(), reply.route().botId());
        if (reply.kind() == ReplyKind.TYPING) {
            return reply.route().platform() == Platform.WEBCHAT || !platforms.handles(reply.route().platform())
                    ? Uni.createFrom().voidItem()
                    : values.mget(replayKey(reply.requestId(), ReplyKind.FINAL, 0),
                                    replayKey(reply.requestId(), ReplyKind.ERROR, 0))
                            .flatMap(answered -> answered.values().stream().anyMatch(Objects::nonNull)
                                    ? Uni.createFrom().voidItem() : platforms.deliver(reply));
        }
        if (reply.kind() == ReplyKind.CHUNK && reply.route().platform() == Platform.WEBCHAT) {
            return Uni.createFrom().voidItem();
        }
        String replayKey = replayKey(reply.requestId(), reply.kind(), reply.sequence());
        return values.get(replayKey).flatMap(seen -> seen != null
                ? Uni.createFrom().voidItem()
                : route(reply).call(() -> values.set(replayKey, "1", new SetArgs().px(config.replayWindow()))))
                .onFailure().invoke(failure -> LOG.warnf("reply %s to %s goes to the dead-letter topic: %s",
                        reply.requestId(), reply.route().platform().id(), failure.getMessage()));
    }

    private static String replayKey(String requestId, ReplyKind kind, int sequence) {
        return "parley:delivered:" + requestId + ":" + kind.id() + ":" + sequence;
    }

    private Uni<Void> route(ChatReply reply) {
        if (reply.route().platform() == Platform.WEBCHAT) {
            return webChat.deliver(reply);
        }
        if (platforms.handles(reply.route().platform())) {
            return platforms.deliver(reply);
        }
        // Discord is a platform of the contract with no adapter in this build.
        return Uni.createFrom().failure(new PlatformDelivery.UndeliverableReply(
                "no sending adapter for platform " + reply.route().platform().id() + " in this build"));
    }
}
