package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AffinityRoutingTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final List<String> FOUR = List.of("replica-a", "replica-b", "replica-c", "replica-d");

    private final AffinityRouting routing = new AffinityRouting();

    @Test
    void aConversationStaysOnItsReplicaWhileUnderTheBound() {
        // Total 16 over 4 replicas: the bound is ceil(1.25 × 17 / 4) = 6, and every load is below it.
        Map<String, Integer> loads = Map.of("replica-a", 3, "replica-b", 4, "replica-c", 5, "replica-d", 4);
        List<ReplicaLoad> busy = new ArrayList<>(FOUR.stream().map(id -> loaded(id, loads.get(id))).toList());
        Random random = new Random(7);

        for (String conversation : conversations(1_000, random)) {
            String home = home(conversation, FOUR);
            Collections.shuffle(busy, random);

            assertThat(routing.order(conversation, busy, NOW)).first().as(conversation).isEqualTo(home);
            assertThat(routing.order(conversation, busy, NOW)).first().as(conversation).isEqualTo(home);
        }
    }

    @Test
    void overTheBoundTheConversationGoesToTheLeastLoadedReplica() {
        String conversation = "conversation-42";
        List<String> walk = routing.order(conversation, replicas(FOUR, id -> 0), NOW);
        String idle = walk.get(3);

        // Total 30: the bound is ceil(1.25 × 31 / 4) = 10, so only the idle replica is below it.
        List<String> order = routing.order(conversation, replicas(FOUR, id -> id.equals(idle) ? 0 : 10), NOW);

        assertThat(order).first().isEqualTo(idle);
        assertThat(order.subList(1, 4)).as("equal loads keep the conversation's ring order").isEqualTo(walk.subList(0, 3));
    }

    @Test
    void aSpilledConversationSpillsToTheSameNextReplicaOnItsWalk() {
        for (String conversation : conversations(500, new Random(11))) {
            List<String> walk = routing.order(conversation, replicas(FOUR, id -> 0), NOW);
            // Home at 12 is above the bound of ceil(1.25 × 19 / 4) = 6; the others at 2 are below it.
            List<ReplicaLoad> homeOverloaded = replicas(FOUR, id -> id.equals(walk.get(0)) ? 12 : 2);

            assertThat(routing.order(conversation, homeOverloaded, NOW))
                    .as(conversation).first().isEqualTo(walk.get(1));
        }
    }

    @Test
    void fallbacksFollowInOrderOfLoad() {
        String conversation = "conversation-7";
        String home = home(conversation, FOUR);
        List<String> others = FOUR.stream().filter(id -> !id.equals(home)).toList();
        Map<String, Integer> loads = Map.of(home, 0, others.get(0), 5, others.get(1), 1, others.get(2), 3);

        assertThat(routing.order(conversation, replicas(FOUR, loads::get), NOW))
                .containsExactly(home, others.get(1), others.get(2), others.get(0));
    }

    @Test
    void staleOrMissingGaugesSendAReplicaLast() {
        String conversation = "conversation-stale";
        String home = home(conversation, FOUR);
        ReplicaLoad scrapedLongAgo = new ReplicaLoad(home, 64, 0, 0, 0, 0.1, NOW.minusSeconds(3), true, false);
        ReplicaLoad neverScraped = new ReplicaLoad(home, 64, 0, 0, 0, 0.1, null, true, false);
        ReplicaLoad justInTime = new ReplicaLoad(home, 64, 0, 0, 0, 0.1, NOW.minusSeconds(2), true, false);

        assertThat(routing.order(conversation, replace(home, scrapedLongAgo), NOW)).hasSize(4).last().isEqualTo(home);
        assertThat(routing.order(conversation, replace(home, neverScraped), NOW)).hasSize(4).last().isEqualTo(home);
        assertThat(routing.order(conversation, replace(home, justInTime), NOW)).first().isEqualTo(home);
    }

    @Test
    void aNearlyFullKvCacheSendsAReplicaLast() {
        String conversation = "conversation-kv";
        String home = home(conversation, FOUR);
        ReplicaLoad full = new ReplicaLoad(home, 64, 0, 0, 0, 0.97, NOW, true, false);

        assertThat(routing.order(conversation, replace(home, full), NOW)).hasSize(4).last().isEqualTo(home);
    }

    @Test
    void aReplicaPastItsSlotsAndHeadroomGoesLastEvenUnderTheBound() {
        String conversation = "conversation-full";
        String home = home(conversation, FOUR);
        // Home at 3, the others at 2, bound ceil(1.25 × 10 / 4) = 4: home is under the bound but 3 is past its 2
        // slots plus a headroom of 1.
        List<ReplicaLoad> replicas = FOUR.stream()
                .map(id -> new ReplicaLoad(id, id.equals(home) ? 2 : 8, id.equals(home) ? 3 : 2, 0, 0, 0.1, NOW, true,
                        false)).toList();

        assertThat(routing.order(conversation, replicas, NOW)).last().isEqualTo(home);
    }

    @Test
    void aFullPoolKeepsAConversationOnItsReplicaWithinTheHeadroom() {
        String conversation = "conversation-full-pool";
        String home = home(conversation, FOUR);
        // Every slot taken (32 of 32): a short wait at home beats prefilling the history elsewhere.
        List<ReplicaLoad> replicas = FOUR.stream()
                .map(id -> new ReplicaLoad(id, 32, 32, 0, 32, 0.5, NOW, true, false)).toList();

        assertThat(routing.order(conversation, replicas, NOW)).first().isEqualTo(home);
    }

    @Test
    void unreadyAndCoolingReplicasAreLeftOut() {
        String conversation = "conversation-9";
        List<String> walk = routing.order(conversation, replicas(FOUR, id -> 0), NOW);
        List<ReplicaLoad> replicas = new ArrayList<>(replicas(FOUR, id -> 0));
        replicas.replaceAll(replica -> switch (FOUR.indexOf(replica.id())) {
            case 0 -> new ReplicaLoad(replica.id(), 64, 0, 0, 0, 0, NOW, false, false);
            case 1 -> new ReplicaLoad(replica.id(), 64, 0, 0, 0, 0, NOW, true, true);
            default -> replica;
        });

        assertThat(routing.order(conversation, replicas, NOW))
                .containsExactlyElementsOf(walk.stream().filter(id -> !id.equals("replica-a") && !id.equals("replica-b")).toList());
    }

    @Test
    void nothingRoutableGivesAnEmptyOrder() {
        List<ReplicaLoad> loading = FOUR.stream().map(id -> new ReplicaLoad(id, 64, 0, 0, 0, 0, null, false, false)).toList();

        assertThat(routing.order("conversation-1", loading, NOW)).isEmpty();
        assertThat(routing.order("conversation-1", List.of(), NOW)).isEmpty();
    }

    @Test
    void whenEverythingIsSaturatedTheLeastLoadedComesFirst() {
        Map<String, Integer> loads = Map.of("replica-a", 3, "replica-b", 1, "replica-c", 2, "replica-d", 4);
        List<ReplicaLoad> stale = FOUR.stream()
                .map(id -> new ReplicaLoad(id, 64, loads.get(id), 0, 0, 0.1, null, true, false)).toList();

        assertThat(routing.order("conversation-1", stale, NOW))
                .containsExactly("replica-b", "replica-c", "replica-a", "replica-d");
    }

    @Test
    void addingAFifthReplicaMovesAboutAFifthOfTheConversationsAllToTheNewOne() {
        List<String> five = new ArrayList<>(FOUR);
        five.add("replica-e");
        List<String> conversations = conversations(10_000, new Random(1));

        int moved = 0;
        for (String conversation : conversations) {
            String before = home(conversation, FOUR);
            String after = home(conversation, five);
            if (!before.equals(after)) {
                moved++;
                assertThat(after).as("a conversation only ever moves to the new replica").isEqualTo("replica-e");
            }
        }

        assertThat(moved / 10_000.0).as("share of conversations moved").isBetween(0.10, 0.30);
    }

    @Test
    void conversationsSpreadEvenlyOverEqualReplicas() {
        Map<String, Long> perReplica = conversations(10_000, new Random(2)).stream()
                .collect(Collectors.groupingBy(conversation -> home(conversation, FOUR), Collectors.counting()));

        assertThat(perReplica).hasSize(4);
        assertThat(perReplica.values()).allSatisfy(count -> assertThat(count).isBetween(1_875L, 3_125L));
    }

    @Test
    void hotConversationsNeverPushAReplicaPastTheBound() {
        Random random = new Random(3);
        List<String> ids = List.of("replica-a", "replica-b", "replica-c", "replica-d", "replica-e");
        List<String> conversations = conversations(200, random);
        Map<String, Integer> inFlight = new HashMap<>();
        ids.forEach(id -> inFlight.put(id, 0));
        List<String> running = new ArrayList<>();

        for (int request = 0; request < 20_000; request++) {
            // Cubing skews popularity: the first few conversations send most of the requests.
            String conversation = conversations.get((int) (conversations.size() * Math.pow(random.nextDouble(), 3)));
            int total = inFlight.values().stream().mapToInt(Integer::intValue).sum();
            String chosen = routing.order(conversation, replicas(ids, inFlight::get), NOW).getFirst();

            assertThat(inFlight.get(chosen) + 1).as("load after placing request %d", request)
                    .isLessThanOrEqualTo((int) Math.ceil(AffinityRouting.DEFAULT_LOAD_FACTOR * (total + 1) / ids.size()));
            inFlight.merge(chosen, 1, Integer::sum);
            running.add(chosen);
            if (running.size() > 40) {
                inFlight.merge(running.remove(random.nextInt(running.size())), -1, Integer::sum);
            }
        }
    }

    @Test
    void randomSnapshotsKeepTheContract() {
        Random random = new Random(4);
        for (int round = 0; round < 2_000; round++) {
            List<ReplicaLoad> replicas = IntStream.range(0, 1 + random.nextInt(8))
                    .mapToObj(i -> new ReplicaLoad("replica-" + i, 1 + random.nextInt(16), random.nextInt(12),
                            random.nextInt(4), random.nextInt(12), random.nextDouble(),
                            random.nextInt(6) == 0 ? NOW.minusSeconds(5) : NOW,
                            random.nextInt(8) != 0, random.nextInt(8) == 0))
                    .toList();
            String conversation = "conversation-" + random.nextInt(1_000);

            List<String> order = routing.order(conversation, replicas, NOW);

            List<ReplicaLoad> routable = replicas.stream().filter(ReplicaLoad::routable).toList();
            assertThat(order).containsExactlyInAnyOrderElementsOf(routable.stream().map(ReplicaLoad::id).toList());
            if (routable.isEmpty()) {
                continue;
            }
            Map<String, ReplicaLoad> byId = routable.stream().collect(Collectors.toMap(ReplicaLoad::id, Function.identity()));
            int total = routable.stream().mapToInt(ReplicaLoad::load).sum();
            double bound = Math.ceil(AffinityRouting.DEFAULT_LOAD_FACTOR * (total + 1) / routable.size());
            boolean anyEligible = routable.stream().anyMatch(replica -> eligible(replica, bound));
            ReplicaLoad first = byId.get(order.getFirst());
            int fallbacksFrom = anyEligible ? 1 : 0;
            if (anyEligible) {
                assertThat(eligible(first, bound)).as("first of %s", order).isTrue();
            }
            List<ReplicaLoad> fallbacks = order.subList(fallbacksFrom, order.size()).stream().map(byId::get).toList();
            assertThat(fallbacks).isSortedAccordingTo(Comparator
                    .comparing((ReplicaLoad replica) -> replica.saturated(NOW, AffinityRouting.DEFAULT_STALE_AFTER,
                            AffinityRouting.DEFAULT_KV_CACHE_LIMIT))
                    .thenComparingInt(ReplicaLoad::load));
        }
    }

    @Test
    void aReplicaListedTwiceIsRejected() {
        assertThatThrownBy(() -> routing.order("conversation-1", List.of(loaded("replica-a", 0), loaded("replica-a", 1)), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica-a");
    }

    @Test
    void theHashIsXxh64() {
        // Reference values from the xxHash project (and python-xxhash's README for the 39-byte input).
        assertThat(AffinityRouting.xxh64(bytes(""), 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(AffinityRouting.xxh64(bytes("a"), 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(AffinityRouting.xxh64(bytes("abc"), 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(AffinityRouting.xxh64(bytes("Nobody inspects the spammish repetition"), 0)).isEqualTo(0xFBCEA83C8A378BF1L);
    }

    private static boolean eligible(ReplicaLoad replica, double bound) {
        return replica.load() < bound && replica.load() < replica.capacity() + Math.max(1, replica.capacity() / 16)
                && !replica.stale(NOW, AffinityRouting.DEFAULT_STALE_AFTER)
                && replica.kvCacheUsage() <= AffinityRouting.DEFAULT_KV_CACHE_LIMIT;
    }

    /** Where the conversation goes when every replica is idle: its home on the ring. */
    private String home(String conversation, List<String> ids) {
        return routing.order(conversation, replicas(ids, id -> 0), NOW).getFirst();
    }

    private static List<ReplicaLoad> replace(String id, ReplicaLoad replacement) {
        return FOUR.stream().map(other -> other.equals(id) ? replacement : loaded(other, 0)).toList();
    }

    private static List<ReplicaLoad> replicas(List<String> ids, Function<String, Integer> inFlight) {
        return ids.stream().map(id -> loaded(id, inFlight.apply(id))).toList();
    }

    private static ReplicaLoad loaded(String id, int inFlight) {
        return new ReplicaLoad(id, 1_000, inFlight, 0, 0, 0.1, NOW, true, false);
    }

    private static List<String> conversations(int count, Random random) {
        return IntStream.range(0, count).mapToObj(i -> new UUID(random.nextLong(), random.nextLong()).toString()).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
