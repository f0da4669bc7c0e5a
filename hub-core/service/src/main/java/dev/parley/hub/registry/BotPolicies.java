package dev.parley.hub.registry;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy of each bot as the pipeline reads it on every message: from the registry, kept for at most one second
 * so a busy bot does not cost a registry read per message while a change still reaches every node within a second.
 * A bot the registry does not know (the configured web chat bot) gets the default policy.
 */
@ApplicationScoped
public class BotPolicies {

    private static final long FRESH_NANOS = 1_000_000_000L;

    private record Cached(BotPolicy policy, long loadedAt) {
    }

    private final BotRegistry registry;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public BotPolicies(BotRegistry registry) {
        this.registry = registry;
    }

    public Uni<BotPolicy> of(String botId) {
        Cached cached = cache.get(botId);
        if (cached != null && System.nanoTime() - cached.loadedAt() < FRESH_NANOS) {
            return Uni.createFrom().item(cached.policy());
        }
        // The Hot Rod client blocks: read on a worker thread, never on the event loop.
        return Uni.createFrom().item(() -> registry.find(botId).map(BotRecord::policy).orElse(BotPolicy.defaults()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(policy -> cache.put(botId, new Cached(policy, System.nanoTime())))
                // Registry unreachable (an Infinispan restart): the last policy read holds until it is back.
                .onFailure().recoverWithUni(failure -> cached == null ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(cached.policy()));
    }
}
