package dev.parley.hub.ingress;

import dev.parley.adapter.webchat.WebChatAdapter;
import dev.parley.adapter.webchat.WebChatFrames;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.hub.delivery.WebChatDelivery;
import dev.parley.hub.pipeline.ConversationIds;
import dev.parley.hub.pipeline.Identities;
import dev.parley.hub.pipeline.InboundPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The web chat's socket: a visitor connects (with the token from an earlier visit, or gets a new one), sends
 * message frames, and hears back {@code accepted} once Kafka has each message, and later the replies.
 */
@WebSocket(path = "/ws/chat")
public class ChatSocket {

    private static final UserData.TypedKey<String> VISITOR = UserData.TypedKey.forString("parley.visitor");

    private final WebChatAdapter adapter;
    private final WebChatFrames frames;
    private final BotProfile bot;
    private final VisitorTokens tokens;
    private final WebChatSockets sockets;
    private final InboundPipeline pipeline;
    private final Identities identities;
    private final ConversationIds conversations;
    private final WebChatDelivery delivery;
    private final MeterRegistry meters;

    public ChatSocket(WebChatAdapter adapter, BotProfile bot, VisitorTokens tokens, WebChatSockets sockets,
                      InboundPipeline pipeline, Identities identities, ConversationIds conversations,
                      WebChatDelivery delivery, MeterRegistry meters) {
        this.adapter = adapter;
        this.frames = adapter.frames();
        this.bot = bot;
        this.tokens = tokens;
        this.sockets = sockets;
        this.pipeline = pipeline;
        this.identities = identities;
        this.conversations = conversations;
        this.delivery = delivery;
        this.meters = meters;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String query = connection.handshakeRequest().query();
        List<String> offered = query == null ? List.of()
                : new QueryStringDecoder(query, false).parameters().getOrDefault("token", List.of());
        String token = offered.stream().filter(t -> tokens.verify(t).isPresent()).findFirst().orElseGet(tokens::issue);
        String visitor = tokens.verify(token).orElseThrow();
        connection.userData().put(VISITOR, visitor);
        // Welcome first, then whatever replies waited while the visitor was away.
        return sockets.register(connection, bot.botId(), visitor)
                .chain(() -> identities.unifiedUser(Platform.WEBCHAT, visitor))
                .chain(conversations::direct)
                .chain(conversationId -> connection.sendText(frames.welcome(token, conversationId)))
                .chain(() -> delivery.resendPending(bot.botId(), visitor));
    }

    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        String visitor = connection.userData().get(VISITOR);
        String acked = frames.ackedKeyOf(text);
        if (acked != null) {
            return delivery.acknowledge(bot.botId(), visitor, acked);
        }
        return answer(text.getBytes(StandardCharsets.UTF_8), visitor).chain(connection::sendText);
    }

    private Uni<String> answer(byte[] frame, String visitor) {
        InboundOutcome outcome = adapter.receive(bot, InboundPayload.ofAuthenticatedFrame(visitor, frame));
        return switch (outcome) {
            case InboundOutcome.Refused refused -> {
                meters.counter("parley_messages_rejected", "platform", Platform.WEBCHAT.id(), "bot", bot.botId(),
                        "reason", Integer.toString(refused.status())).increment();
                yield Uni.createFrom().item(
                        frames.rejected(frames.clientMessageIdOf(frame), refused.status(), refused.reason()));
            }
            case InboundOutcome.Answered answered -> Uni.createFrom().item(answered.body());
            case InboundOutcome.Accepted accepted -> {
                String id = accepted.messages().get(0).platformMessageId();
                yield pipeline.accept(accepted.messages().get(0))
                        .map(acceptance -> acceptance == InboundPipeline.Acceptance.IN_FLIGHT
                                ? frames.rejected(id, 409, "this message is being accepted on another connection; retry")
                                : frames.accepted(id))
                        .onFailure().recoverWithItem(
                                frames.rejected(id, 503, "Parley could not store the message right now; retry"));
            }
        };
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        return sockets.unregister(connection, bot.botId(), connection.userData().get(VISITOR));
    }
}
