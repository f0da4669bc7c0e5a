package dev.parley.hub.delivery;

import dev.parley.adapter.webchat.WebChatAdapter;
import dev.parley.contract.ChatReply;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.hub.config.NodeIdentity;
import dev.parley.hub.ingress.WebChatSockets;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Gets a web chat reply to the visitor wherever their socket is: on this node directly, on another node through
 * its {@link NodeChannel}, and into the {@link Mailbox} when the visitor is offline, so nothing is dropped.
 */
@ApplicationScoped
public class WebChatDelivery {

    private static final Logger LOG = Logger.getLogger(WebChatDelivery.class);

    private final WebChatAdapter adapter;
    private final WebChatSockets sockets;
    private final SocketRoutes routes;
    private final Mailbox mailbox;
    private final NodeChannel channel;
    private final NodeIdentity node;
    private final BotProfile bot;
    private final MeterRegistry meters;

    public WebChatDelivery(WebChatAdapter adapter, WebChatSockets sockets, SocketRoutes routes, Mailbox mailbox,
                           NodeChannel channel, NodeIdentity node, BotProfile bot, MeterRegistry meters) {
        this.adapter = adapter;
        this.sockets = sockets;
        this.routes = routes;
        this.mailbox = mailbox;
        this.channel = channel;
        this.node = node;
        this.bot = bot;
        this.meters = meters;
    }

    void listenForPeers(@Observes StartupEvent start) {
        channel.listen(signal -> {
            Uni<Void> work = NodeChannel.Signal.DELIVER.equals(signal.op())
                    ? deliverHere(signal.reply())
                    : drainMailbox(signal.botId(), signal.visitorId());
            work.subscribe().with(ok -> { }, failure -> LOG.warnf("signal %s failed: %s", signal.op(), failure));
        });
    }

    public Uni<Void> deliver(ChatReply reply) {
        String visitor = reply.route().chatId();
        String botId = reply.route().botId();
        return routes.owner(botId, visitor).flatMap(owner -> {
            if (owner == null) {
                return toMailbox(reply);
            }
            if (owner.equals(node.id())) {
                return deliverHere(reply);
            }
            return channel.send(owner, new NodeChannel.Signal(NodeChannel.Signal.DELIVER, reply, null, null))
                    .flatMap(listeners -> {
                        if (listeners > 0) {
                            count("forwarded");
                            return Uni.createFrom().voidItem();
                        }
                        return toMailbox(reply);
                    });
        });
    }

    /** Sends to the visitor's sockets on this node; keeps the reply for later when there are none. */
    Uni<Void> deliverHere(ChatReply reply) {
        DeliveryOutcome outcome = adapter.send(bot, OutboundMessage.of(reply));
        if (outcome instanceof DeliveryOutcome.Delivered) {
            count("delivered");
            return Uni.createFrom().voidItem();
        }
        return toMailbox(reply);
    }

    /** Pushes every waiting reply to the visitor's sockets here, in order. */
    public Uni<Void> drainMailbox(String botId, String visitor) {
        return mailbox.takeAll(botId, visitor).flatMap(frames -> redeliver(botId, visitor, frames));
    }

    private Uni<Void> redeliver(String botId, String visitor, List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (sockets.push(botId, visitor, frames.get(i)) == 0) {
                // The socket closed meanwhile: put the rest back for the next connection.
                List<String> rest = frames.subList(i, frames.size());
                return Uni.join().all(rest.stream().map(f -> mailbox.append(botId, visitor, f)).toList())
                        .andFailFast().replaceWithVoid();
            }
            count("delivered");
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * Keeps the reply for the visitor. A visitor who connected while the reply was on its way drained an empty
     * mailbox, so the node now holding their socket is asked to drain again.
     */
    private Uni<Void> toMailbox(ChatReply reply) {
        String botId = reply.route().botId();
        String visitor = reply.route().chatId();
        count("mailboxed");
        return mailbox.append(botId, visitor, adapter.replyFrame(OutboundMessage.of(reply)))
                .chain(() -> routes.owner(botId, visitor))
                .chain(owner -> owner == null ? Uni.createFrom().voidItem()
                        : channel.send(owner, new NodeChannel.Signal(NodeChannel.Signal.DRAIN, null, botId, visitor))
                                .replaceWithVoid());
    }

    private void count(String result) {
        meters.counter("parley_replies_delivered", "platform", "webchat", "result", result).increment();
    }
}
