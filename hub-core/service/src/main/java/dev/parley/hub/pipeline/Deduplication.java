package dev.parley.hub.pipeline;

import dev.parley.hub.config.HubConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import dev.parley.contract.Platform;
import java.time.Duration;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recognises a platform's redelivery of a message on any hub node. A key is first claimed as {@code pending}
 * (short TTL) and only marked {@code done} once Kafka has the message, so a redelivery that races the first copy
 * is told to retry rather than acknowledged while nothing is stored yet.
 */
@ApplicationScoped
public class Deduplication {

    /** What a claim found. */
    public enum Claim {
        /** First sighting: go ahead, then {@link #confirm} or {@link #release}. */
        FIRST,
        /** Already in Kafka: acknowledge and drop. */
        DUPLICATE,
        /** Another node is accepting the first copy right now: ask the platform to retry. */
        IN_FLIGHT
    }

    private static final String PENDING = "pending";
    private static final String DONE = "done";

    private final ReactiveValueCommands<String, String> values;
    private final HubConfig.Pipeline config;

    public Deduplication(ReactiveRedisDataSource redis, HubConfig config) {
        this.values = redis.value(String.class);
        this.config = config.pipeline();
    }

    public Uni<Claim> claim(String dedupKey) {
        // SET NX GET (Redis >= 7.0) claims and reads the earlier state in one round trip.
        return values.setGet(key(dedupKey), PENDING, new SetArgs().nx().px(config.dedupPendingTtl()))
                .map(previous -> previous == null ? Claim.FIRST
                        : DONE.equals(previous) ? Claim.DUPLICATE : Claim.IN_FLIGHT);
    }

    /** Marks the message as in Kafka for its platform's redelivery window. */
    public Uni<Void> confirm(Platform platform, String dedupKey) {
        Duration window = config.dedupWindows().getOrDefault(platform.id(), config.dedupWindow());
        return values.set(key(dedupKey), DONE, new SetArgs().px(window));
    }

    public Uni<Void> release(String dedupKey) {
        return values.getdel(key(dedupKey)).replaceWithVoid();
    }

    private static String key(String dedupKey) {
        return "parley:dedup:" + dedupKey;
    }
}
