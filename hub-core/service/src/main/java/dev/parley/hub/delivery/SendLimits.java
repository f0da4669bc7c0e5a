package dev.parley.hub.delivery;

import dev.parley.contract.spi.SendPermits;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The platforms' send limits as token buckets in Redis, so that all hub nodes together stay under them: a bot
 * answered by three nodes still sends one message a second into a Telegram chat. All buckets of one send are
 * checked and taken in one script (all or none), timed by the Redis server's clock so skewed nodes agree.
 */
@ApplicationScoped
public class SendLimits implements SendPermits {

    /** KEYS: the buckets; ARGV: capacity and refill per millisecond of each. Returns 0 when taken, else the wait. */
    private static final String TAKE_ALL = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local tokens = {}
            local wait = 0
            for i, key in ipairs(KEYS) do
              local capacity = tonumber(ARGV[2 * i - 1])
              local per_ms = tonumber(ARGV[2 * i])
              local state = redis.call('HMGET', key, 'tokens', 'at')
              local held = tonumber(state[1]) or capacity
              local at = tonumber(state[2]) or now
              tokens[i] = math.min(capacity, held + math.max(0, now - at) * per_ms)
              if tokens[i] < 1 then
                wait = math.max(wait, math.ceil((1 - tokens[i]) / per_ms))
              end
            end
            if wait > 0 then
              return wait
            end
            for i, key in ipairs(KEYS) do
              local capacity = tonumber(ARGV[2 * i - 1])
              local per_ms = tonumber(ARGV[2 * i])
              redis.call('HSET', key, 'tokens', tostring(tokens[i] - 1), 'at', now)
              redis.call('PEXPIRE', key, math.ceil(capacity / per_ms) + 1000)
            end
            return 0""";

    private final RedisDataSource redis;

    public SendLimits(RedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public Duration tryTake(String botId, List<Limit> limits) {
        if (limits.isEmpty()) {
            return Duration.ZERO;
        }
        List<String> args = new ArrayList<>();
        args.add(TAKE_ALL);
        args.add(Integer.toString(limits.size()));
        for (Limit limit : limits) {
            args.add("parley:sendlimit:" + botId + ":" + limit.scope());
        }
        for (Limit limit : limits) {
            args.add(Integer.toString(limit.permits()));
            args.add(Double.toString((double) limit.permits() / limit.period().toMillis()));
        }
        Response waitMillis = redis.execute("EVAL", args.toArray(String[]::new));
        return Duration.ofMillis(waitMillis.toLong());
    }
}
