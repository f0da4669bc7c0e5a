package dev.parley.hub.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.hub.config.NodeIdentity;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A Redis pub/sub channel per hub node, {@code parley:node:<id>}, over which the node that consumed a reply asks
 * the node holding the visitor's socket to push it. Pub/sub is fire-and-forget, which is enough: the reply is
 * already in the visitor's {@link Mailbox} and is sent again on the next connection if this push is lost.
 */
@ApplicationScoped
public class NodeChannel {

    /** A reply frame for a visitor whose socket the receiving node holds. */
    public record Push(String botId, String visitorId, String frame) {
    }

    private static final Logger LOG = Logger.getLogger(NodeChannel.class);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final NodeIdentity node;

    public NodeChannel(ReactiveRedisDataSource redis, ObjectMapper json, NodeIdentity node) {
        this.redis = redis;
        this.json = json;
        this.node = node;
    }

    /** Starts listening on this node's channel. */
    public void listen(Consumer<Push> handler) {
        redis.pubsub(String.class).subscribe(channel(node.id()), message -> {
            try {
                handler.accept(json.readValue(message, Push.class));
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.warnf("unreadable push on %s: %s", channel(node.id()), e.toString());
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    /** @return how many nodes received the push: 0 when the target node is gone */
    public Uni<Integer> send(String targetNode, Push push) {
        String payload;
        try {
            payload = json.writeValueAsString(push);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.execute("PUBLISH", channel(targetNode), payload).map(response -> response.toInteger());
    }

    private static String channel(String nodeId) {
        return "parley:node:" + nodeId;
    }
}
