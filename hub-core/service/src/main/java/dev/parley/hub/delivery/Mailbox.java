package dev.parley.hub.delivery;

import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies waiting in Redis for a web chat visitor who has no open socket (a reload, a flaky network, a hub node
 * that died). The visitor receives them, in order, on the next connection to any node.
 */
@ApplicationScoped
public class Mailbox {

    private static final String APPEND = """
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1""";
    private static final String TAKE_ALL = """
            local frames = redis.call('LRANGE', KEYS[1], 0, -1)
            redis.call('DEL', KEYS[1])
            return frames""";

    private final ReactiveRedisDataSource redis;
    private final HubConfig.WebChat config;

    public Mailbox(ReactiveRedisDataSource redis, HubConfig config) {
        this.redis = redis;
        this.config = config.webchat();
    }

    public Uni<Void> append(String botId, String visitorId, String frame) {
        return redis.execute("EVAL", APPEND, "1", key(botId, visitorId), frame,
                        Integer.toString(config.mailboxCapacity()), Long.toString(config.mailboxTtl().toMillis()))
                .replaceWithVoid();
    }

    /** Removes and returns every waiting frame, oldest first; atomic, so two nodes never both deliver one. */
    public Uni<List<String>> takeAll(String botId, String visitorId) {
        return redis.execute("EVAL", TAKE_ALL, "1", key(botId, visitorId)).map(Mailbox::strings);
    }

    private static List<String> strings(Response response) {
        List<String> frames = new ArrayList<>();
        if (response != null) {
            response.forEach(item -> frames.add(item.toString()));
        }
        return frames;
    }

    static String key(String botId, String visitorId) {
        return "parley:mailbox:webchat:" + botId + ":" + visitorId;
    }
}
