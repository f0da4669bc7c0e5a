package dev.parley.hub.delivery;

import dev.parley.adapter.webchat.WebChatAdapter;
import dev.parley.adapter.webchat.WebChatFrames;
import dev.parley.contract.ChatReply;
import dev.parley.contract.OutboundMessage;
import dev.parley.hub.config.NodeIdentity;
import dev.parley.hub.ingress.WebChatSockets;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Gets a web chat reply to the visitor wherever their socket is. The reply goes into the visitor's
 * {@link Mailbox} first, then is pushed by the node holding the socket (this one, or another through its
 * {@link NodeChannel}); it stays in the mailbox until the browser acknowledges it.
 *
 * <p>Why the mailbox comes first: a visitor connecting meanwhile registers their route and then reads the
 * mailbox, while delivery writes the mailbox and then reads the route, so one of the two always sees the other.
 */
@ApplicationScoped
public class WebChatDelivery {

    private final WebChatAdapter adapter;
    private final WebChatSockets sockets;
    private final SocketRoutes routes;
    private final Mailbox mailbox;
    private final NodeChannel channel;
    private final NodeIdentity node;
    private final MeterRegistry meters;

    public WebChatDelivery(WebChatAdapter adapter, WebChatSockets sockets, SocketRoutes routes, Mailbox mailbox,
                           NodeChannel channel, NodeIdentity node, MeterRegistry meters) {
        this.adapter = adapter;
        this.sockets = sockets;
        this.routes = routes;
        this.mailbox = mailbox;
        this.channel = channel;
        this.node = node;
        this.meters = meters;
    }

    void listenForPeers(@Observes StartupEvent start) {
        channel.listen(push -> pushHere(push.botId(), push.visitorId(), push.frame()));
    }

    public Uni<Void> deliver(ChatReply reply) {
        String botId = reply.route().botId();
        String visitor = reply.route().chatId();
        OutboundMessage message = OutboundMessage.of(reply, List.of());
        String frame = adapter.replyFrame(message);
        return mailbox.put(botId, visitor, WebChatFrames.replyKey(message), frame)
                .chain(() -> routes.owner(botId, visitor))
                .chain(owner -> {
                    if (owner == null) {
                        count(botId, "waiting");
                        return Uni.createFrom().voidItem();
                    }
                    if (owner.equals(node.id())) {
                        pushHere(botId, visitor, frame);
                        return Uni.createFrom().voidItem();
                    }
                    return channel.send(owner, new NodeChannel.Push(botId, visitor, frame))
                            .invoke(listeners -> count(botId, listeners > 0 ? "forwarded" : "waiting"))
                            .replaceWithVoid();
                });
    }

    /** Sends every unacknowledged reply to a visitor who just connected to this node. */
    public Uni<Void> resendPending(String botId, String visitor) {
        return mailbox.pending(botId, visitor).invoke((List<String> frames) ->
                frames.forEach(frame -> sockets.push(botId, visitor, frame))).replaceWithVoid();
    }

    public Uni<Void> acknowledge(String botId, String visitor, String replyKey) {
        return mailbox.acknowledge(botId, visitor, replyKey);
    }

    private void pushHere(String botId, String visitor, String frame) {
        count(botId, sockets.push(botId, visitor, frame) > 0 ? "delivered" : "waiting");
    }

    private void count(String botId, String result) {
        meters.counter("parley_replies_delivered", "platform", "webchat", "bot", botId, "result", result).increment();
    }
}
