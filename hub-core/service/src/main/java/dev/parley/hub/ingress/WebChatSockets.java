package dev.parley.hub.ingress;

import dev.parley.adapter.webchat.VisitorSockets;
import dev.parley.hub.config.NodeIdentity;
import dev.parley.hub.delivery.SocketRoutes;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The web chat sockets this node holds, by visitor, and their routes in Redis. A visitor may have several tabs
 * open; every tab gets every reply.
 */
@ApplicationScoped
public class WebChatSockets implements VisitorSockets {

    private static final Logger LOG = Logger.getLogger(WebChatSockets.class);

    private final Map<VisitorKey, Set<String>> connectionIds = new ConcurrentHashMap<>();
    private final OpenConnections openConnections;
    private final SocketRoutes routes;
    private final NodeIdentity node;

    public WebChatSockets(OpenConnections openConnections, SocketRoutes routes, NodeIdentity node) {
        this.openConnections = openConnections;
        this.routes = routes;
        this.node = node;
    }

    record VisitorKey(String botId, String visitorId) {
    }

    public Uni<Void> register(WebSocketConnection connection, String botId, String visitorId) {
        connectionIds.computeIfAbsent(new VisitorKey(botId, visitorId), k -> ConcurrentHashMap.newKeySet())
                .add(connection.id());
        return routes.claim(botId, visitorId, node.id());
    }

    public Uni<Void> unregister(WebSocketConnection connection, String botId, String visitorId) {
        VisitorKey key = new VisitorKey(botId, visitorId);
        Set<String> remaining = connectionIds.computeIfPresent(key, (k, ids) -> {
            ids.remove(connection.id());
            return ids.isEmpty() ? null : ids;
        });
        return remaining == null ? routes.release(botId, visitorId, node.id()) : Uni.createFrom().voidItem();
    }

    @Override
    public int push(String botId, String visitorId, String frameJson) {
        int sent = 0;
        for (String id : connectionIds.getOrDefault(new VisitorKey(botId, visitorId), Set.of())) {
            WebSocketConnection connection = openConnections.findByConnectionId(id).orElse(null);
            if (connection != null && connection.isOpen()) {
                connection.sendText(frameJson).subscribe().with(ok -> { },
                        failure -> LOG.debugf("frame to visitor socket %s failed: %s", id, failure.toString()));
                sent++;
            }
        }
        return sent;
    }

    /** Keeps this node's routes alive; a route not refreshed within its TTL means the node is gone. */
    @Scheduled(every = "${parley.webchat.route-refresh}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshRoutes() {
        List<String[]> held = new ArrayList<>();
        connectionIds.keySet().forEach(key -> held.add(new String[] {key.botId(), key.visitorId()}));
        return routes.refresh(held, node.id())
                .onFailure().invoke(failure -> LOG.warnf("could not refresh socket routes: %s", failure.toString()))
                .onFailure().recoverWithNull();
    }
}
