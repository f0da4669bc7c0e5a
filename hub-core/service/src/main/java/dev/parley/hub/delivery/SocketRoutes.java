package dev.parley.hub.delivery;

import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Which hub node holds a web chat visitor's socket, in Redis, so that a reply consumed by any node reaches the
 * right one. Entries expire unless their node refreshes them, so a dead node's routes vanish by themselves.
 */
@ApplicationScoped
public class SocketRoutes {

    /** Deletes the route only if this node still owns it: a newer socket on another node must keep its route. */
    private static final String RELEASE_IF_OWNER =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final HubConfig.WebChat config;

    public SocketRoutes(ReactiveRedisDataSource redis, HubConfig config) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.config = config.webchat();
    }

    public Uni<Void> claim(String botId, String visitorId, String nodeId) {
        return values.set(key(botId, visitorId), nodeId, new SetArgs().px(config.routeTtl()));
    }

    public Uni<Void> release(String botId, String visitorId, String nodeId) {
        return redis.execute("EVAL", RELEASE_IF_OWNER, "1", key(botId, visitorId), nodeId).replaceWithVoid();
    }

    /** The node holding the visitor's socket, or {@code null} when no node does. */
    public Uni<String> owner(String botId, String visitorId) {
        return values.get(key(botId, visitorId));
    }

    /** Renews this node's routes in one round trip. */
    public Uni<Void> refresh(List<String[]> botAndVisitorIds, String nodeId) {
        if (botAndVisitorIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(botAndVisitorIds.stream().map(ids -> claim(ids[0], ids[1], nodeId)).toList())
                .andCollectFailures().replaceWithVoid();
    }

    static String key(String botId, String visitorId) {
        return "parley:route:webchat:" + botId + ":" + visitorId;
    }
}
