package dev.parley.simulators;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token buckets by key, from which a send takes one token of each bucket it counts against, or none at all: a refused
 * send was not sent, so it uses up nothing.
 *
 * <p>Each bucket holds up to {@code burst} tokens and is refilled continuously at {@code count} per {@code period}.
 * It is kept as the time at which it will be full again, in exact integer arithmetic (time scaled by {@code count}),
 * so a test that steps the clock by one refill interval sees exactly one more send fit, never one less from rounding.
 */
final class TokenBuckets {

    /** A bucket's size and refill rate: {@code burst} tokens at most, {@code count} new ones per {@code period}. */
    record Limit(int burst, int count, Duration period) {

        Limit {
            if (burst < 1 || count < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a limit needs a burst, a count and a period above zero");
            }
        }
    }

    /** One bucket a send counts against: {@code key} names it (e.g. bot token and chat), {@code limit} sizes it. */
    record Take(Object key, Limit limit) {
    }

    /** How many takes between sweeps of buckets that have filled up again. */
    private static final int SWEEP_EVERY = 4096;

    private final Map<Object, Bucket> buckets = new HashMap<>();
    private int takesSinceSweep;

    /**
     * Takes one token from each bucket named, or from none when any of them is empty.
     *
     * @return {@link Duration#ZERO} when the send may go; otherwise how long until it would fit in every bucket
     */
    synchronized Duration take(Instant now, List<Take> takes) {
        Duration wait = Duration.ZERO;
        for (Take take : takes) {
            Bucket bucket = buckets.get(take.key());
            if (bucket != null) {
                Duration needed = bucket.wait(now);
                if (needed.compareTo(wait) > 0) {
                    wait = needed;
                }
            }
        }
        if (!wait.isZero()) {
            return wait;
        }
        for (Take take : takes) {
            buckets.computeIfAbsent(take.key(), key -> new Bucket(take.limit(), now)).take(now);
        }
        // A full bucket is the same as none: forgetting those keeps a long run over many chats from growing the heap.
        if (++takesSinceSweep >= SWEEP_EVERY) {
            takesSinceSweep = 0;
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return Duration.ZERO;
    }

    /** Forgets every bucket: the next sends find them full. */
    synchronized void clear() {
        buckets.clear();
    }

    /** A wait as the whole seconds a {@code Retry-After} names: rounded up, at least 1. */
    static int retryAfterSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return (int) Math.clamp(seconds, 1, Integer.MAX_VALUE);
    }

    /**
     * One bucket. Time is counted in nanoseconds since {@code origin} times {@code count}, so one token is exactly
     * {@code period} in nanoseconds whatever the rate; {@code fullAt} is when, on that scale, the bucket is full again.
     */
    private static final class Bucket {
        final Limit limit;
        final long token;
        final long capacity;
        Instant origin;
        long fullAt;

        Bucket(Limit limit, Instant now) {
            this.limit = limit;
            this.token = limit.period().toNanos();
            this.capacity = token * limit.burst();
            this.origin = now;
        }

        /** Time since {@code origin} on the scaled clock; a clock that went back counts as no time passed. */
        private long scaled(Instant now) {
            long elapsed = Math.max(Duration.between(origin, now).toNanos(), 0);
            // Compared before multiplying: long after the bucket filled up, the product could overflow.
            return elapsed > fullAt / limit.count() ? Long.MAX_VALUE : elapsed * limit.count();
        }

        boolean isFull(Instant now) {
            return scaled(now) >= fullAt;
        }

        Duration wait(Instant now) {
            long owed = Math.max(fullAt - Math.min(scaled(now), fullAt), 0);
            long excess = owed + token - capacity;
            if (excess <= 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((excess + limit.count() - 1) / limit.count());
        }

        void take(Instant now) {
            if (isFull(now)) {
                // Start the scale afresh, so its numbers stay small however long the bucket sat full.
                origin = now;
                fullAt = 0;
            }
            fullAt = Math.max(fullAt, scaled(now)) + token;
        }
    }
}
