package dev.parley.bridge.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands requests to the routable replicas in turn, ignoring conversations and load: the vLLM production-stack
 * router's default, kept as the baseline the benchmark measures {@link AffinityRouting} against. The replicas
 * after the chosen one follow in the same rotation, so a retry goes to the next in turn.
 *
 * <p>Thread-safe.
 */
public final class RoundRobinRouting implements RoutingPolicy {

    private final AtomicInteger turn = new AtomicInteger();

    @Override
    public List<String> order(String conversationId, Collection<ReplicaLoad> replicas, Instant now) {
        // Sorted by id so the rotation does not depend on the order the pool lists its replicas in.
        List<String> ids = replicas.stream().filter(ReplicaLoad::routable).map(ReplicaLoad::id)
                .sorted(Comparator.naturalOrder()).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        int first = Math.floorMod(turn.getAndIncrement(), ids.size());
        List<String> order = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            order.add(ids.get((first + i) % ids.size()));
        }
        return order;
    }
}
