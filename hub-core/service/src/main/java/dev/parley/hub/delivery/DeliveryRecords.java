package dev.parley.hub.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.DeliveryReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What became of the messages Parley sent, kept in Redis so every node sees it: per sent message a record (the
 * request it answered, its chat, its platform status and when each status arrived), per bot the latest failures
 * with the platform's error code, and whether the platform rejected the bot's credentials.
 *
 * <p>Platforms repeat status callbacks and send them out of order (WhatsApp may say {@code read} before
 * {@code delivered}). A status is applied once per (message, status) and the record's status only moves forward
 * (sent, delivered, read; failed ends it), both decided inside one script so concurrent nodes agree; metrics
 * count each (message, status) once.
 */
@ApplicationScoped
public class DeliveryRecords {

    private static final Logger LOG = Logger.getLogger(DeliveryRecords.class);

    /** How long a sent message's record is kept: long enough for late read receipts. */
    public static final Duration RECORD_TTL = Duration.ofDays(7);
    /** How many failures per bot the admin API shows. */
    static final int FAILURES_KEPT = 50;

    /**
     * KEYS[1] the record; ARGV status, its rank, when, error code, error title, ttl ms. Returns 1 when this status is
     * new for the message, 0 for a repeat.
     */
    private static final String APPLY_STATUS = """
            if redis.call('HSETNX', KEYS[1], 'at:' .. ARGV[1], ARGV[3]) == 0 then
              return 0
            end
            local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '0')
            if tonumber(ARGV[2]) > rank then
              redis.call('HSET', KEYS[1], 'status', ARGV[1], 'rank', ARGV[2])
            end
            if ARGV[4] ~= '' then
              redis.call('HSET', KEYS[1], 'errorCode', ARGV[4], 'errorTitle', ARGV[5])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 1""";

    /** A failure the admin API lists, newest first. */
    public record Failure(Instant at, String requestId, String chatId, String code, String reason) {
    }

    /** The platform refused the bot's credentials at {@code at}; cleared when an admin changes them. */
    public record CredentialsRejection(Instant at, String reason) {
    }

    private final RedisDataSource redis;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Clock clock;

    public DeliveryRecords(RedisDataSource redis, ObjectMapper json, MeterRegistry meters) {
        this.redis = redis;
        this.json = json;
        this.meters = meters;
        this.clock = Clock.systemUTC();
    }

    private static String recordKey(Platform platform, String botId, String platformMessageId) {
        return "parley:delivery:" + platform.id() + ":" + botId + ":" + platformMessageId;
    }

    private static String failuresKey(String botId) {
        return "parley:delivery-failures:" + botId;
    }

    private static String rejectionKey(String botId) {
        return "parley:credentials-rejected:" + botId;
    }

    /**
     * Sent: one record per platform message the reply became, so the platform's receipts find their request. Best
     * effort, like {@link #failed}: the send already happened, and a Redis hiccup must not make the hub send again.
     */
    public void sent(ReplyRoute route, String requestId, List<String> platformMessageIds) {
        String now = clock.instant().toString();
        try {
            for (String id : platformMessageIds) {
                String key = recordKey(route.platform(), route.botId(), id);
                redis.hash(String.class).hset(key, Map.of("requestId", requestId, "chatId", route.chatId(),
                        "sentAt", now));
                redis.key().pexpire(key, RECORD_TTL);
            }
        } catch (RuntimeException e) {
            LOG.warnf("delivery record of request %s not kept: %s", requestId, e.toString());
        }
    }

    /** Applies a receipt; answers whether it was new (a repeated or already-passed status changes nothing). */
    public boolean apply(Platform platform, String botId, DeliveryReceipt receipt) {
        String status = receipt.status();
        String at = (receipt.at() == null ? clock.instant() : receipt.at()).toString();
        Response applied = redis.execute("EVAL", APPLY_STATUS, "1",
                recordKey(platform, botId, receipt.platformMessageId()), status, Integer.toString(rank(status)), at,
                receipt.errorCode() == null ? "" : receipt.errorCode(),
                receipt.errorTitle() == null ? "" : receipt.errorTitle(),
                Long.toString(RECORD_TTL.toMillis()));
        boolean fresh = applied.toInteger() == 1;
        if (fresh) {
            meters.counter("parley_delivery_receipts", "platform", platform.id(), "bot", botId, "status", status)
                    .increment();
            if ("failed".equals(status)) {
                Map<String, String> record = record(platform, botId, receipt.platformMessageId());
                failed(platform, botId, record.get("requestId"), receipt.recipientId(), receipt.errorCode(),
                        "the platform reported the message failed" + (receipt.errorTitle() == null ? ""
                                : ": " + receipt.errorTitle()));
            }
        }
        return fresh;
    }

    /** sent < delivered < read; failed ends the record whatever came before. Unknown words rank lowest. */
    static int rank(String status) {
        return switch (status) {
            case "sent" -> 1;
            case "delivered" -> 2;
            case "read" -> 3;
            case "failed" -> 4;
            default -> 0;
        };
    }

    /** A reply that will not be delivered: listed for the admin and counted by platform, bot and error code. */
    public void failed(Platform platform, String botId, String requestId, String chatId, String code, String reason) {
        meters.counter("parley_delivery_failures", "platform", platform.id(), "bot", botId,
                "code", code == null ? "none" : code).increment();
        try {
            String entry = json.writeValueAsString(new Failure(clock.instant(), requestId, chatId, code, reason));
            redis.list(String.class).lpush(failuresKey(botId), entry);
            redis.list(String.class).ltrim(failuresKey(botId), 0, FAILURES_KEPT - 1);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("failure of request %s not listed: %s", requestId, e.toString());
        }
    }

    public void credentialsRejected(Platform platform, String botId, String reason) {
        meters.counter("parley_credentials_rejected", "platform", platform.id(), "bot", botId).increment();
        LOG.warnf("%s bot %s needs new credentials: %s", platform.id(), botId, reason);
        try {
            redis.value(String.class).set(rejectionKey(botId),
                    json.writeValueAsString(new CredentialsRejection(clock.instant(), reason)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("rejection of bot %s's credentials not kept: %s", botId, e.toString());
        }
    }

    /** An admin set new credentials: the bot no longer needs them. */
    public void credentialsChanged(String botId) {
        redis.key().del(rejectionKey(botId));
    }

    public Optional<CredentialsRejection> credentialsRejection(String botId) {
        return Optional.ofNullable(redis.value(String.class).get(rejectionKey(botId))).map(this::rejection);
    }

    public List<Failure> failures(String botId, int limit) {
        List<Failure> failures = new ArrayList<>();
        for (String entry : redis.list(String.class).lrange(failuresKey(botId), 0, limit - 1)) {
            try {
                failures.add(json.readValue(entry, Failure.class));
            } catch (JsonProcessingException e) {
                // Written by this class only; an unreadable entry is skipped rather than hiding the others.
            }
        }
        return failures;
    }

    /** A sent message's record: requestId, chatId, sentAt, status, at:{status} …; empty when unknown or expired. */
    public Map<String, String> record(Platform platform, String botId, String platformMessageId) {
        Map<String, String> record = new LinkedHashMap<>(redis.hash(String.class)
                .hgetall(recordKey(platform, botId, platformMessageId)));
        record.remove("rank");
        return record;
    }

    private CredentialsRejection rejection(String stored) {
        try {
            return json.readValue(stored, CredentialsRejection.class);
        } catch (JsonProcessingException e) {
            return new CredentialsRejection(null, "unreadable record");
        }
    }
}
