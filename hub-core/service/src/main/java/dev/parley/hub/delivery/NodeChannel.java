package dev.parley.hub.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatReply;
import dev.parley.hub.config.NodeIdentity;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A Redis pub/sub channel per hub node, {@code parley:node:<id>}, over which the node that consumed a reply hands
 * it to the node holding the visitor's socket. Pub/sub is fire-and-forget: the sender learns how many nodes
 * listened and falls back to the mailbox when none did.
 */
@ApplicationScoped
public class NodeChannel {

    /** What one node asks of another. */
    public record Signal(String op, ChatReply reply, String botId, String visitorId) {
        static final String DELIVER = "deliver";
        static final String DRAIN = "drain";
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
    public void listen(Consumer<Signal> handler) {
        redis.pubsub(String.class).subscribe(channel(node.id()), message -> {
            try {
                handler.accept(json.readValue(message, Signal.class));
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.warnf("unreadable signal on %s: %s", channel(node.id()), e.toString());
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    /** @return how many nodes received the signal: 0 when the target node is gone */
    public Uni<Integer> send(String targetNode, Signal signal) {
        String payload;
        try {
            payload = json.writeValueAsString(signal);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.execute("PUBLISH", channel(targetNode), payload).map(response -> response.toInteger());
    }

    private static String channel(String nodeId) {
        return "parley:node:" + nodeId;
    }
}
