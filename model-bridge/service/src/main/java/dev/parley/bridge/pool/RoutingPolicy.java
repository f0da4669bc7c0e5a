package dev.parley.bridge.pool;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Decides which replica answers a conversation's next request, and where to go if it fails.
 *
 * <p>Replicas that are not {@link ReplicaLoad#routable() routable} (not ready, or cooling down after failures)
 * are left out entirely rather than put last: such a replica refuses or fails the request, so trying it only
 * adds a round trip before the same outcome. When the list comes back empty the pool has no replica to ask and
 * leaves the request in Kafka, where the backlog is measured and drives scaling.
 */
public interface RoutingPolicy {

    /**
     * @param conversationId the conversation the request belongs to; policies with affinity keep it on one replica
     * @param replicas       every replica of the pool, in any order, each id once
     * @param now            the time the gauges are judged against
     * @return ids of the routable replicas to try in this order, the first being the choice; empty if none is routable
     */
    List<String> order(String conversationId, Collection<ReplicaLoad> replicas, Instant now);
}
