package dev.parley.simulator.metrics;

import java.util.Arrays;

/** A Prometheus histogram: observations counted into fixed buckets, read back cumulatively with sum and count. */
final class Histogram {

    /** A consistent reading: {@code cumulativeCounts[i]} observations were at most {@code upperBounds[i]}. */
    record Snapshot(double[] upperBounds, long[] cumulativeCounts, double sum, long count) {
    }

    private final double[] upperBounds;
    // One slot per bound plus the +Inf overflow; cumulated only when read so observing stays cheap.
    private final long[] bucketCounts;
    private double sum;
    private long count;

    Histogram(double... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.bucketCounts = new long[upperBounds.length + 1];
    }

    synchronized void observe(double value) {
        int bucket = 0;
        while (bucket < upperBounds.length && value > upperBounds[bucket]) {
            bucket++;
        }
        bucketCounts[bucket]++;
        sum += value;
        count++;
    }

    synchronized Snapshot snapshot() {
        long[] cumulative = new long[upperBounds.length];
        long running = 0;
        for (int i = 0; i < upperBounds.length; i++) {
            running += bucketCounts[i];
            cumulative[i] = running;
        }
        return new Snapshot(upperBounds.clone(), cumulative, sum, count);
    }
}
