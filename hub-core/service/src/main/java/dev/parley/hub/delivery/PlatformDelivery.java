package dev.parley.hub.delivery;

import dev.parley.contract.ChatReply;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.hub.config.HubConfig;
import dev.parley.hub.registry.BotProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Sends a reply through its platform's adapter. A {@code RetryLater} (429 with its Retry-After, 5xx, timeouts) is
 * retried after the delay the platform asked for, with backoff when it named none, within the retry budget; a
 * reply still not sent, or refused for good, fails, and the consumer moves it to {@code parley.replies.dlq} with
 * the reason. Retries stay on the reply's partition so one conversation's replies never overtake each other.
 *
 * <p>A streamed answer's pieces ({@link ReplyKind#CHUNK}) are sent once, never retried: the next piece or the final
 * reply carries the same text and more. The platform's ids of what was posted for the answer are kept in Redis
 * ({@code parley:streamed:{requestId}}) so that whichever node gets the next piece edits the same message. A typing
 * hint is sent once and its outcome ignored.
 *
 * <p>What was sent, what failed (with the platform's error code) and a platform's rejection of the bot's
 * credentials go to {@link DeliveryRecords}, where the platform's receipts and the admin API find them.
 */
@ApplicationScoped
public class PlatformDelivery {

    /** Why a reply was not delivered; the consumer's dead-letter handling records this message as the reason. */
    public static class UndeliverableReply extends RuntimeException {
        public UndeliverableReply(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Map<Platform, PlatformAdapter> adapters = new EnumMap<>(Platform.class);
    private final BotProfiles profiles;
    private final HubConfig.Delivery config;
    private final MeterRegistry meters;
    private final ReactiveValueCommands<String, String> values;
    private final DeliveryRecords records;

    public PlatformDelivery(Instance<PlatformAdapter> adapters, BotProfiles profiles, HubConfig config,
                            MeterRegistry meters, ReactiveRedisDataSource redis, DeliveryRecords records) {
        adapters.forEach(adapter -> this.adapters.put(adapter.platform(), adapter));
        this.profiles = profiles;
        this.config = config.delivery();
        this.meters = meters;
        this.values = redis.value(String.class);
        this.records = records;
    }

    public boolean handles(Platform platform) {
        return adapters.containsKey(platform);
    }

    public Uni<Void> deliver(ChatReply reply) {
        PlatformAdapter adapter = adapters.get(reply.route().platform());
        long deadline = System.nanoTime() + config.retryBudget().toNanos();
        String streamedKey = "parley:streamed:" + reply.requestId();
        // A bot the registry does not know is sent as it is, without credentials; its adapter decides.
        Uni<BotProfile> profile = profiles.of(reply.route().botId(), reply.route().platform())
                .map(found -> found.orElseGet(() -> new BotProfile(reply.route().botId(), reply.route().platform(),
                        reply.route().botId(), Map.of(), null)));
        if (reply.kind() == ReplyKind.TYPING) {
            return profile.flatMap(bot -> sendOnce(adapter, bot, OutboundMessage.of(reply, List.of())))
                    .onFailure().recoverWithNull().replaceWithVoid();
        }
        return values.get(streamedKey).map(PlatformDelivery::ids)
                .flatMap(streamed -> profile.flatMap(bot -> {
                    OutboundMessage message = OutboundMessage.of(reply, streamed);
                    if (reply.kind() == ReplyKind.CHUNK) {
                        return sendOnce(adapter, bot, message).flatMap(outcome ->
                                outcome instanceof DeliveryOutcome.Delivered delivered
                                        && !delivered.platformMessageIds().isEmpty()
                                        ? values.set(streamedKey, String.join(",", delivered.platformMessageIds()),
                                                new SetArgs().px(Duration.ofHours(1)))
                                        : Uni.createFrom().voidItem());
                    }
                    return attempt(adapter, bot, message, 1, deadline)
                            .call(() -> streamed.isEmpty() ? Uni.createFrom().voidItem()
                                    : values.getdel(streamedKey).replaceWithVoid());
                }));
    }

    private static List<String> ids(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private Uni<DeliveryOutcome> sendOnce(PlatformAdapter adapter, BotProfile profile, OutboundMessage message) {
        return Uni.createFrom().item(() -> adapter.send(profile, message))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<Void> attempt(PlatformAdapter adapter, BotProfile profile, OutboundMessage message, int attempt,
                              long deadline) {
        // Sending is a blocking HTTP call: keep it off the event loop.
        return sendOnce(adapter, profile, message)
                .flatMap(outcome -> switch (outcome) {
                    // Still on the worker thread that sent: the records' blocking Redis calls are fine here.
                    case DeliveryOutcome.Delivered delivered -> {
                        count(profile, "delivered");
                        records.sent(message.route(), message.requestId(), delivered.platformMessageIds());
                        yield Uni.createFrom().voidItem();
                    }
                    case DeliveryOutcome.Failed failed -> {
                        count(profile, "failed");
                        records.failed(profile.platform(), profile.botId(), message.requestId(),
                                message.route().chatId(), failed.code(), failed.reason());
                        yield Uni.createFrom().failure(new UndeliverableReply(failed.reason()));
                    }
                    case DeliveryOutcome.CredentialsRejected rejected -> {
                        count(profile, "failed");
                        records.credentialsRejected(profile.platform(), profile.botId(), rejected.reason());
                        records.failed(profile.platform(), profile.botId(), message.requestId(),
                                message.route().chatId(), "credentials", rejected.reason());
                        yield Uni.createFrom().failure(new UndeliverableReply("the platform rejected the bot's "
                                + "credentials: " + rejected.reason()));
                    }
                    case DeliveryOutcome.RetryLater later -> {
                        Duration wait = later.after() != null && !later.after().isNegative() ? later.after()
                                : config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 6));
                        if (System.nanoTime() + wait.toNanos() > deadline) {
                            count(profile, "failed");
                            records.failed(profile.platform(), profile.botId(), message.requestId(),
                                    message.route().chatId(), "retry-budget", later.reason());
                            yield Uni.createFrom().failure(new UndeliverableReply("gave up after " + attempt
                                    + " attempts within the retry budget of " + config.retryBudget() + ": "
                                    + later.reason()));
                        }
                        count(profile, "retried");
                        yield Uni.createFrom().voidItem().onItem().delayIt().by(wait)
                                .flatMap(ignored -> attempt(adapter, profile, message, attempt + 1, deadline));
                    }
                });
    }

    private void count(BotProfile bot, String result) {
        meters.counter("parley_replies_delivered", "platform", bot.platform().id(), "bot", bot.botId(),
                "result", result).increment();
    }
}
