package dev.parley.hub.ops;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ops/api/lag} answers: the latest sample of every watched group and dead-letter topic.
 *
 * @param at the time of the latest sample; null before the first. An old time means sampling fails (the hub's log
 *           says why) and the numbers are stale.
 */
public record LagReport(Instant at, double sampleIntervalSeconds, List<GroupLag> groups,
                        List<DeadLetters> deadLetters, BridgeAutoscaling autoscaling,
                        List<Map<String, Object>> pool) {

    LagReport(Instant at, double sampleIntervalSeconds, List<GroupLag> groups, List<DeadLetters> deadLetters) {
        this(at, sampleIntervalSeconds, groups, deadLetters, null, null);
    }

    /** Before the first sample: nothing known yet. */
    static LagReport none(double sampleIntervalSeconds) {
        return new LagReport(null, sampleIntervalSeconds, List.of(), List.of());
    }

    /** The same report with the bridge replica count an autoscaler would ask for at this lag. */
    LagReport withAutoscaling(BridgeAutoscaling autoscaling) {
        return new LagReport(at, sampleIntervalSeconds, groups, deadLetters, autoscaling, pool);
    }

    /** The same report with each bridge's view of the model pool. */
    LagReport withPool(List<Map<String, Object>> pool) {
        return new LagReport(at, sampleIntervalSeconds, groups, deadLetters, autoscaling, pool);
    }

    /**
     * A group on its topic: messages summed over the partitions, seconds the worst partition's (the oldest waiting
     * record), rates summed over each partition's window, the state the worst partition's.
     *
     * @param timeToDrainSeconds 0 without lag; null while the group does not gain on its producers
     */
    public record GroupLag(String group, String topic, long lagMessages, double lagSeconds, double consumePerSecond,
                           double producePerSecond, double trendPerSecond, Double timeToDrainSeconds,
                           ConsumerState state, List<PartitionLag> partitions) {

        /** The group from each partition's history (oldest first), judged by {@code status}. */
        static GroupLag of(WatchedGroup watched, Map<Integer, List<PartitionSample>> histories,
                           ConsumerStatus status) {
            LagRates rates = LagRates.NONE;
            long lagMessages = 0;
            double lagSeconds = 0;
            ConsumerState state = ConsumerState.OK;
            List<PartitionLag> partitions = histories.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(entry -> PartitionLag.of(entry.getKey(), entry.getValue(), status.evaluate(entry.getValue())))
                    .toList();
            for (PartitionLag partition : partitions) {
                rates = rates.plus(LagRates.over(status.window(histories.get(partition.partition()))));
                lagMessages += partition.lagMessages();
                lagSeconds = Math.max(lagSeconds, partition.lagSeconds());
                state = partition.state().compareTo(state) > 0 ? partition.state() : state;
            }
            return new GroupLag(watched.group(), watched.topic(), lagMessages, lagSeconds, rates.consumePerSecond(),
                    rates.producePerSecond(), rates.trendPerSecond(), rates.timeToDrainSeconds(lagMessages), state,
                    partitions);
        }
    }

    /**
     * One partition: its latest sample and the history behind it, oldest first.
     *
     * @param committedOffset null while the group has never committed on the partition
     */
    public record PartitionLag(int partition, long logEndOffset, Long committedOffset, long lagMessages,
                               double lagSeconds, ConsumerState state, List<HistoryPoint> history) {

        static PartitionLag of(int partition, List<PartitionSample> history, ConsumerState state) {
            PartitionSample latest = history.getLast();
            return new PartitionLag(partition, latest.logEndOffset(),
                    latest.committed().isPresent() ? latest.committed().getAsLong() : null, latest.lagMessages(),
                    latest.lagSeconds(), state,
                    history.stream().map(s -> new HistoryPoint(s.at(), s.lagMessages(), s.lagSeconds())).toList());
        }
    }

    public record HistoryPoint(Instant at, long lagMessages, double lagSeconds) {
    }

    /**
     * A dead-letter topic: how many records it holds (log end minus log start, summed over its partitions) and the
     * newest few, newest first.
     */
    public record DeadLetters(String topic, long records, List<DeadLetter> latest) {
    }

    /**
     * One dead letter: when it was written and why, from the {@code dead-letter-reason} header SmallRye Reactive
     * Messaging writes: the failure's message, which in Parley is an operator-facing reason (the same the admin API
     * shows for failed deliveries, never a credential), cut to its first 500 characters. Null when the record has no
     * such header.
     */
    public record DeadLetter(Instant at, String reason) {

        static final Comparator<DeadLetter> NEWEST_FIRST = Comparator.comparing(DeadLetter::at).reversed();
    }
}
