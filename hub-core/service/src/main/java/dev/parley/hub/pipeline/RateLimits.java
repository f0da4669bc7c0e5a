package dev.parley.hub.pipeline;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Limits shared by every hub node, in Redis: a token bucket per bot and user (refilled continuously, atomic in one
 * script, timed by the Redis server's clock so nodes with skewed clocks agree) and a daily quota of model requests
 * per bot. A limited user is told once per window, not once per message, so a flood does not become a flood of
 * apologies.
 */
@ApplicationScoped
public class RateLimits {

    private static final String TAKE_TOKEN = """
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or capacity
            local at = tonumber(state[2]) or now
            tokens = math.min(capacity, tokens + (now - at) * per_ms)
            local allowed = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
            return allowed""";

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;

    public RateLimits(ReactiveRedisDataSource redis) {
        this.redis = redis;
        this.values = redis.value(String.class);
    }

    /** Takes one message from the user's bucket: {@code messagesPerMinute} sustained, that many in a burst. */
    public Uni<Boolean> allowMessage(String botId, String unifiedUser, int messagesPerMinute) {
        double perMillisecond = messagesPerMinute / 60_000.0;
        return redis.execute("EVAL", TAKE_TOKEN, "1", "parley:bucket:" + botId + ":" + unifiedUser,
                Integer.toString(messagesPerMinute), Double.toString(perMillisecond))
                .map(allowed -> allowed.toInteger() == 1);
    }

    /** Counts one model request against the bot's daily quota (UTC days); false once the quota is used up. */
    public Uni<Boolean> allowModelRequest(String botId, long dailyQuota) {
        String key = "parley:quota:" + botId + ":" + LocalDate.now(ZoneOffset.UTC);
        return redis.value(Long.class).incr(key)
                .call(count -> count == 1 ? redis.key().expire(key, Duration.ofDays(2)) : Uni.createFrom().nullItem())
                .map(count -> count <= dailyQuota);
    }

    /** True the first time in the window for this notice and user: only then is the user told. */
    public Uni<Boolean> firstNotice(String notice, String botId, String unifiedUser, Duration window) {
        return values.setGet("parley:notice:" + notice + ":" + botId + ":" + unifiedUser, "1",
                new SetArgs().nx().px(window)).map(previous -> previous == null);
    }
}
