package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastLoadRoutingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private final LeastLoadRouting routing = new LeastLoadRouting();

    @Test
    void leastLoadedFirstSaturatedLastUnroutableLeftOut() {
        List<ReplicaLoad> replicas = List.of(
                new ReplicaLoad("replica-a", 16, 5, 1, 4, 0.3, NOW, true, false),   // load 6
                new ReplicaLoad("replica-b", 16, 0, 0, 0, 0.0, null, true, false),  // idle, but never scraped
                new ReplicaLoad("replica-c", 16, 2, 0, 3, 0.2, NOW, true, false),   // load 3
                new ReplicaLoad("replica-d", 16, 0, 0, 0, 0.0, NOW, false, false),  // loading
                new ReplicaLoad("replica-e", 16, 1, 0, 0, 0.99, NOW, true, false),  // KV cache full
                new ReplicaLoad("replica-f", 16, 0, 0, 0, 0.0, NOW, true, true));   // cooling down

        assertThat(routing.order("conversation-1", replicas, NOW))
                .containsExactly("replica-c", "replica-a", "replica-b", "replica-e");
    }

    @Test
    void equalLoadsAreSharedAtRandom() {
        List<ReplicaLoad> idle = List.of("replica-a", "replica-b", "replica-c", "replica-d").stream()
                .map(id -> new ReplicaLoad(id, 16, 0, 0, 0, 0, NOW, true, false)).toList();
        Map<String, Integer> firsts = new HashMap<>();

        for (int request = 0; request < 4_000; request++) {
            firsts.merge(routing.order("conversation-1", idle, NOW).getFirst(), 1, Integer::sum);
        }

        assertThat(firsts).hasSize(4);
        assertThat(firsts.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1_200));
    }
}
