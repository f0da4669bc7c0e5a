package dev.parley.hub.delivery;

import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * A web chat visitor's replies, in Redis, from the moment the hub has them until the browser acknowledges each
 * one. A socket that dies with a frame in flight (a reload, a flaky network, a hub node killed) loses nothing: on
 * the next connection, to any node, every unacknowledged reply is sent again, oldest first, and the browser shows
 * each reply key once. Keyed by reply key, so a reply put twice (a replay after a crash) is kept once.
 */
@ApplicationScoped
public class Mailbox {

    private static final String PUT = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local t = redis.call('TIME')
            redis.call('ZADD', KEYS[2], 'NX', tonumber(t[1]) * 1000000 + tonumber(t[2]), ARGV[1])
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
            if excess > 0 then
              for _, old in ipairs(redis.call('ZPOPMIN', KEYS[2], excess)) do
                redis.call('HDEL', KEYS[1], old)
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 1""";
    private static final String ACK = """
            redis.call('HDEL', KEYS[1], ARGV[1])
            return redis.call('ZREM', KEYS[2], ARGV[1])""";
    private static final String PENDING = """
            local keys = redis.call('ZRANGE', KEYS[2], 0, -1)
            if #keys == 0 then return {} end
            return redis.call('HMGET', KEYS[1], unpack(keys))""";

    private final ReactiveRedisDataSource redis;
    private final HubConfig.WebChat config;

    public Mailbox(ReactiveRedisDataSource redis, HubConfig config) {
        this.redis = redis;
        this.config = config.webchat();
    }

    public Uni<Void> put(String botId, String visitorId, String replyKey, String frame) {
        return redis.execute("EVAL", PUT, "2", frames(botId, visitorId), order(botId, visitorId), replyKey, frame,
                Integer.toString(config.mailboxCapacity()), Long.toString(config.mailboxTtl().toMillis()))
                .replaceWithVoid();
    }

    public Uni<Void> acknowledge(String botId, String visitorId, String replyKey) {
        return redis.execute("EVAL", ACK, "2", frames(botId, visitorId), order(botId, visitorId), replyKey)
                .replaceWithVoid();
    }

    /** Every reply not yet acknowledged, oldest first. */
    public Uni<List<String>> pending(String botId, String visitorId) {
        return redis.execute("EVAL", PENDING, "2", frames(botId, visitorId), order(botId, visitorId))
                .map(Mailbox::strings);
    }

    private static List<String> strings(Response response) {
        List<String> frames = new ArrayList<>();
        if (response != null) {
            response.forEach(item -> {
                if (item != null) {
                    frames.add(item.toString());
                }
            });
        }
        return frames;
    }

    private static String frames(String botId, String visitorId) {
        return "parley:mailbox:webchat:" + botId + ":" + visitorId;
    }

    private static String order(String botId, String visitorId) {
        return frames(botId, visitorId) + ":order";
    }
}
