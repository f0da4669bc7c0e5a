package dev.parley.hub.ops;

import java.time.Duration;
import java.util.List;

/**
 * How fast a group consumes and its producers produce, in records per second, over a window of samples of one
 * partition (or summed over a topic's partitions).
 */
public record LagRates(double consumePerSecond, double producePerSecond) {

    public static final LagRates NONE = new LagRates(0, 0);

    /** The rates between the first and the last sample; none from fewer than two samples or no time between them. */
    public static LagRates over(List<PartitionSample> window) {
        if (window.size() < 2) {
            return NONE;
        }
        PartitionSample first = window.getFirst();
        PartitionSample last = window.getLast();
        double seconds = Duration.between(first.at(), last.at()).toMillis() / 1000.0;
        if (seconds <= 0) {
            return NONE;
        }
        return new LagRates((last.position() - first.position()) / seconds,
                (last.logEndOffset() - first.logEndOffset()) / seconds);
    }

    public LagRates plus(LagRates other) {
        return new LagRates(consumePerSecond + other.consumePerSecond, producePerSecond + other.producePerSecond);
    }

    /** How fast the lag changes, positive while it grows: lag is log end minus position, so this is the rates' gap. */
    public double trendPerSecond() {
        return producePerSecond - consumePerSecond;
    }

    /**
     * Seconds until a lag is worked off at these rates: 0 without lag, null while the consumer does not gain on its
     * producers (it would never drain).
     */
    public Double timeToDrainSeconds(long lagMessages) {
        if (lagMessages == 0) {
            return 0.0;
        }
        double gaining = consumePerSecond - producePerSecond;
        return gaining > 0 ? lagMessages / gaining : null;
    }
}
