package dev.parley.bridge.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps each conversation on one replica, so its growing prompt hits that replica's prefix cache, until the
 * replica carries more than its share: consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads", 2018; the {@code hash-balance-factor} of HAProxy and Envoy).
 *
 * <p>Why this and not what the references do: pure session hashing (the vLLM production-stack's session router)
 * overloads a replica that holds a few long, busy conversations; pure load balancing (its round robin, LiteLLM's
 * least-busy) throws the prefix cache away on every turn. Here the conversation's hash picks a point on a ring of
 * {@code virtualNodes} points per replica; walking clockwise, the first replica with fresh gauges, KV cache under its
 * limit, load under its slots plus a small headroom, and load below {@code ceil(loadFactor × (total load + 1) /
 * replicas)} is chosen. No replica therefore runs more
 * than {@code loadFactor} times the average, and a conversation pushed off its replica spills to the same next
 * replica on its walk each time, so the spill keeps its own prefix cache. Adding or removing a replica moves only
 * the conversations on that replica's arcs, about 1/n of them.
 *
 * <p>The remaining replicas follow, fallbacks for a failed attempt, ordered by load; saturated ones go last,
 * among them replicas with stale gauges (fail closed, like the Gateway API Inference Extension) and replicas whose
 * KV cache is nearly full. Equal loads keep the conversation's ring order, so a retry also lands somewhere stable.
 *
 * <p>Thread-safe; the ring is rebuilt only when the set of replica ids changes.
 */
public final class AffinityRouting implements RoutingPolicy {

    /** HAProxy's and Envoy's usual balance factor: at most 25 % above the average load. */
    public static final double DEFAULT_LOAD_FACTOR = 1.25;
    /** Longer than a scrape interval or two; older gauges may describe a replica that has since filled up. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(2);
    /** Above this KV-cache use vLLM starts preempting running sequences. */
    public static final double DEFAULT_KV_CACHE_LIMIT = 0.95;
    /** Points per replica, as in ketama: keeps four replicas' shares within a few percent of even. */
    public static final int DEFAULT_VIRTUAL_NODES = 160;

    private final double loadFactor;
    private final Duration staleAfter;
    private final double kvCacheLimit;
    private final int virtualNodes;
    private volatile Ring ring = Ring.EMPTY;

    public AffinityRouting() {
        this(DEFAULT_LOAD_FACTOR, DEFAULT_STALE_AFTER, DEFAULT_KV_CACHE_LIMIT, DEFAULT_VIRTUAL_NODES);
    }

    /**
     * @param loadFactor   how far above the average a replica may be loaded before conversations spill off it; at
     *                     least 1, where 1 is strict balance and larger values keep more conversations at home
     * @param staleAfter   gauges older than this make a replica count as saturated
     * @param kvCacheLimit KV-cache usage above which a replica counts as saturated
     * @param virtualNodes ring points per replica
     */
    public AffinityRouting(double loadFactor, Duration staleAfter, double kvCacheLimit, int virtualNodes) {
        if (!(loadFactor >= 1)) {
            throw new IllegalArgumentException("load factor must be at least 1, was " + loadFactor);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("stale-after must be positive, was " + staleAfter);
        }
        if (!(kvCacheLimit > 0 && kvCacheLimit <= 1)) {
            throw new IllegalArgumentException("KV-cache limit must be within (0, 1], was " + kvCacheLimit);
        }
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtual nodes per replica must be at least 1, was " + virtualNodes);
        }
        this.loadFactor = loadFactor;
        this.staleAfter = staleAfter;
        this.kvCacheLimit = kvCacheLimit;
        this.virtualNodes = virtualNodes;
    }

    @Override
    public List<String> order(String conversationId, Collection<ReplicaLoad> replicas, Instant now) {
        Set<String> ids = new HashSet<>();
        Map<String, ReplicaLoad> routable = new HashMap<>();
        for (ReplicaLoad replica : replicas) {
            if (!ids.add(replica.id())) {
                throw new IllegalArgumentException("replica " + replica.id() + " is listed twice");
            }
            if (replica.routable()) {
                routable.put(replica.id(), replica);
            }
        }
        if (routable.isEmpty()) {
            return List.of();
        }
        List<ReplicaLoad> walk = ringFor(ids).walk(hash(conversationId), routable);

        long totalLoad = 0;
        for (ReplicaLoad replica : walk) {
            totalLoad += replica.load();
        }
        double bound = Math.ceil(loadFactor * (totalLoad + 1) / walk.size());
        ReplicaLoad chosen = null;
        for (ReplicaLoad replica : walk) {
            // The conversation's replica may be a little past its slots (1/16 of them, at least one): when the whole
            // pool is full, a short wait where the history is cached beats prefilling it elsewhere, and the small
            // headroom keeps the GPUs busy (benchmark: 97.6 % utilisation, half the follow-ups on their replica).
            if (replica.load() < bound && replica.load() < replica.capacity() + headroom(replica)
                    && !replica.stale(now, staleAfter) && replica.kvCacheUsage() <= kvCacheLimit) {
                chosen = replica;
                break;
            }
        }

        List<ReplicaLoad> fallbacks = new ArrayList<>(walk);
        List<String> order = new ArrayList<>(walk.size());
        if (chosen != null) {
            fallbacks.remove(chosen);
            order.add(chosen.id());
        }
        // List.sort is stable: equal loads stay in ring order.
        fallbacks.sort(Comparator.comparing((ReplicaLoad replica) -> replica.saturated(now, staleAfter, kvCacheLimit))
                .thenComparingInt(ReplicaLoad::load));
        fallbacks.forEach(replica -> order.add(replica.id()));
        return order;
    }

    private static int headroom(ReplicaLoad replica) {
        return Math.max(1, replica.capacity() / 16);
    }

    private Ring ringFor(Set<String> ids) {
        Ring current = ring;
        if (!current.ids().equals(ids)) {
            // Racing callers may both rebuild; they build the same ring, so the last write wins harmlessly.
            current = Ring.of(ids, virtualNodes);
            ring = current;
        }
        return current;
    }

    /** The ring: every replica's points sorted, each point naming its replica. */
    private record Ring(Set<String> ids, long[] points, String[] owners) {

        static final Ring EMPTY = new Ring(Set.of(), new long[0], new String[0]);

        static Ring of(Set<String> ids, int virtualNodes) {
            record Point(long position, String owner) {
            }
            List<Point> all = new ArrayList<>(ids.size() * virtualNodes);
            for (String id : ids) {
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                for (int node = 0; node < virtualNodes; node++) {
                    // The node number seeds the hash: independent points without building "id#node" strings.
                    all.add(new Point(xxh64(key, node), id));
                }
            }
            // Ties between replicas (vanishingly rare) are broken by id so every bridge builds the same ring.
            all.sort(Comparator.comparingLong(Point::position).thenComparing(Point::owner));
            long[] points = new long[all.size()];
            String[] owners = new String[all.size()];
            for (int i = 0; i < all.size(); i++) {
                points[i] = all.get(i).position();
                owners[i] = all.get(i).owner();
            }
            return new Ring(Set.copyOf(ids), points, owners);
        }

        /** The routable replicas in the order met walking clockwise from {@code position}. */
        List<ReplicaLoad> walk(long position, Map<String, ReplicaLoad> routable) {
            int start = Arrays.binarySearch(points, position);
            if (start < 0) {
                start = -start - 1;
            }
            List<ReplicaLoad> met = new ArrayList<>(routable.size());
            Set<String> seen = new HashSet<>();
            for (int step = 0; step < points.length && met.size() < routable.size(); step++) {
                String owner = owners[(start + step) % points.length];
                ReplicaLoad replica = routable.get(owner);
                if (replica != null && seen.add(owner)) {
                    met.add(replica);
                }
            }
            return met;
        }
    }

    static long hash(String conversationId) {
        return xxh64(Objects.requireNonNull(conversationId, "conversationId").getBytes(StandardCharsets.UTF_8), 0);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long PRIME1 = 0x9E3779B185EBCA87L;
    private static final long PRIME2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME3 = 0x165667B19E3779F9L;
    private static final long PRIME4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME5 = 0x27D4EB2F165667C5L;

    /**
     * XXH64 (Yann Collet's xxHash, 64-bit variant). Ring positions need every output bit well mixed even for short,
     * similar keys such as {@code conv-1}, {@code conv-2}; {@code String.hashCode} and CRC32C are too weak for that,
     * and no hashing library is a declared dependency of the bridge. Checked against the reference test vectors.
     */
    static long xxh64(byte[] input, long seed) {
        int length = input.length;
        int offset = 0;
        long hash;
        if (length >= 32) {
            long v1 = seed + PRIME1 + PRIME2;
            long v2 = seed + PRIME2;
            long v3 = seed;
            long v4 = seed - PRIME1;
            for (int limit = length - 32; offset <= limit; offset += 32) {
                v1 = round(v1, (long) LONG_LE.get(input, offset));
                v2 = round(v2, (long) LONG_LE.get(input, offset + 8));
                v3 = round(v3, (long) LONG_LE.get(input, offset + 16));
                v4 = round(v4, (long) LONG_LE.get(input, offset + 24));
            }
            hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            hash = mergeRound(hash, v1);
            hash = mergeRound(hash, v2);
            hash = mergeRound(hash, v3);
            hash = mergeRound(hash, v4);
        } else {
            hash = seed + PRIME5;
        }
        hash += length;
        for (; offset + 8 <= length; offset += 8) {
            hash ^= round(0, (long) LONG_LE.get(input, offset));
            hash = Long.rotateLeft(hash, 27) * PRIME1 + PRIME4;
        }
        if (offset + 4 <= length) {
            hash ^= ((int) INT_LE.get(input, offset) & 0xFFFFFFFFL) * PRIME1;
            hash = Long.rotateLeft(hash, 23) * PRIME2 + PRIME3;
            offset += 4;
        }
        for (; offset < length; offset++) {
            hash ^= (input[offset] & 0xFFL) * PRIME5;
            hash = Long.rotateLeft(hash, 11) * PRIME1;
        }
        hash ^= hash >>> 33;
        hash *= PRIME2;
        hash ^= hash >>> 29;
        hash *= PRIME3;
        hash ^= hash >>> 32;
        return hash;
    }

    private static long round(long accumulator, long lane) {
        return Long.rotateLeft(accumulator + lane * PRIME2, 31) * PRIME1;
    }

    private static long mergeRound(long accumulator, long value) {
        return (accumulator ^ round(0, value)) * PRIME1 + PRIME4;
    }
}
