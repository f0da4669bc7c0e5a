package dev.parley.bridge.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends each request to the least loaded replica, whatever its conversation: the "load-only" routing that llm-d
 * measured against prefix-aware routing, kept as the second baseline for {@link AffinityRouting} in the benchmark.
 * Saturated replicas go last, judged as {@link AffinityRouting} judges them; equal loads are broken at random so
 * that an idle pool does not send a burst to whichever replica sorts first.
 *
 * <p>Thread-safe.
 */
public final class LeastLoadRouting implements RoutingPolicy {

    private final Duration staleAfter;
    private final double kvCacheLimit;

    public LeastLoadRouting() {
        this(AffinityRouting.DEFAULT_STALE_AFTER, AffinityRouting.DEFAULT_KV_CACHE_LIMIT);
    }

    public LeastLoadRouting(Duration staleAfter, double kvCacheLimit) {
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
        this.kvCacheLimit = kvCacheLimit;
    }

    @Override
    public List<String> order(String conversationId, Collection<ReplicaLoad> replicas, Instant now) {
        List<ReplicaLoad> routable = new ArrayList<>(replicas.stream().filter(ReplicaLoad::routable).toList());
        Collections.shuffle(routable, ThreadLocalRandom.current());
        routable.sort(Comparator.comparing((ReplicaLoad replica) -> replica.saturated(now, staleAfter, kvCacheLimit))
                .thenComparingInt(ReplicaLoad::load));
        return routable.stream().map(ReplicaLoad::id).toList();
    }
}
