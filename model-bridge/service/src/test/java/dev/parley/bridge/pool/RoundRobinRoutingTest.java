package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinRoutingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private final RoundRobinRouting routing = new RoundRobinRouting();

    @Test
    void takesTheReplicasInTurnWithTheRestOfTheRotationAsFallbacks() {
        List<ReplicaLoad> replicas = List.of(idle("replica-c"), idle("replica-a"), idle("replica-b"));

        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-a", "replica-b", "replica-c");
        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-b", "replica-c", "replica-a");
        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-c", "replica-a", "replica-b");
        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-a", "replica-b", "replica-c");
    }

    @Test
    void leavesOutUnreadyAndCoolingReplicas() {
        List<ReplicaLoad> replicas = List.of(idle("replica-a"),
                new ReplicaLoad("replica-b", 8, 0, 0, 0, 0, NOW, false, false),
                new ReplicaLoad("replica-c", 8, 0, 0, 0, 0, NOW, true, true),
                idle("replica-d"));

        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-a", "replica-d");
        assertThat(routing.order("conversation-1", replicas, NOW)).containsExactly("replica-d", "replica-a");
    }

    @Test
    void nothingRoutableGivesAnEmptyOrder() {
        assertThat(routing.order("conversation-1", List.of(new ReplicaLoad("replica-a", 8, 0, 0, 0, 0, null, false, false)), NOW))
                .isEmpty();
    }

    @Test
    void spreadsRequestsExactlyEvenlyWhateverTheLoad() {
        // A saturated replica still gets its turn: that blindness is what the benchmark compares against.
        List<ReplicaLoad> replicas = List.of(idle("replica-a"), idle("replica-b"), idle("replica-c"),
                new ReplicaLoad("replica-d", 8, 8, 30, 8, 1.0, null, true, false));
        Map<String, Integer> firsts = new HashMap<>();

        for (int request = 0; request < 4_000; request++) {
            firsts.merge(routing.order("conversation-" + request, replicas, NOW).getFirst(), 1, Integer::sum);
        }

        assertThat(firsts).containsOnly(Map.entry("replica-a", 1_000), Map.entry("replica-b", 1_000),
                Map.entry("replica-c", 1_000), Map.entry("replica-d", 1_000));
    }

    private static ReplicaLoad idle(String id) {
        return new ReplicaLoad(id, 8, 0, 0, 0, 0, NOW, true, false);
    }
}
