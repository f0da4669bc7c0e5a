package dev.parley.hub.ops;

import dev.parley.hub.ops.LagReport.DeadLetters;
import dev.parley.hub.ops.LagReport.GroupLag;
import dev.parley.hub.ops.LagReport.PartitionLag;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The lag monitor's Prometheus gauges, each reading the latest {@link LagReport}. A partition's gauges are registered
 * when it first appears; a group, partition or topic that is no longer in the report reads NaN, which Prometheus
 * leaves out of sums and alerts.
 * <ul>
 * <li>{@code parley_kafka_lag_messages{group,topic,partition}},
 *     {@code parley_kafka_lag_seconds{group,topic,partition}}</li>
 * <li>{@code parley_kafka_group_lag_messages{group,topic}} (sum over partitions),
 *     {@code parley_kafka_group_lag_seconds{group,topic}} (the worst partition's)</li>
 * <li>{@code parley_kafka_time_to_drain_seconds{group,topic}}: 0 without lag, NaN while the group does not gain</li>
 * <li>{@code parley_kafka_consumer_state{group,topic,partition,state}}: 1 for the partition's state, 0 for the
 *     others</li>
 * <li>{@code parley_kafka_dlq_records{topic}}</li>
 * </ul>
 */
final class LagMetrics {

    private record GroupKey(String group, String topic) {
    }

    private record PartitionKey(String group, String topic, int partition) {
    }

    /** The latest report, looked up by what the gauges are tagged with. */
    private record Index(Map<GroupKey, GroupLag> groups, Map<PartitionKey, PartitionLag> partitions,
                         Map<String, DeadLetters> deadLetters) {

        static Index of(LagReport report) {
            Map<GroupKey, GroupLag> groups = new HashMap<>();
            Map<PartitionKey, PartitionLag> partitions = new HashMap<>();
            for (GroupLag group : report.groups()) {
                groups.put(new GroupKey(group.group(), group.topic()), group);
                group.partitions().forEach(partition -> partitions.put(
                        new PartitionKey(group.group(), group.topic(), partition.partition()), partition));
            }
            Map<String, DeadLetters> deadLetters = new HashMap<>();
            report.deadLetters().forEach(topic -> deadLetters.put(topic.topic(), topic));
            return new Index(Map.copyOf(groups), Map.copyOf(partitions), Map.copyOf(deadLetters));
        }
    }

    private static final String WAITING = "Records the group has yet to consume";
    private static final String OLDEST = "Age of the oldest record the group has yet to consume";
    private static final String DRAIN = "Seconds to consume the lag at the current rates; NaN while it does not shrink";
    private static final String STATE = "1 for the partition's state after Burrow's rules (OK, WARN, STALL, STOP, ERR)";
    private static final String RECORDS = "Records in the dead-letter topic";

    private final MeterRegistry meters;
    /** Touched only by the sampling thread. */
    private final Set<Object> registered = new HashSet<>();
    private volatile Index index = Index.of(LagReport.none(0));

    LagMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Points the gauges at a new report, registering those of groups, partitions and topics seen the first time. */
    void update(LagReport report) {
        index = Index.of(report);
        for (GroupLag group : report.groups()) {
            GroupKey key = new GroupKey(group.group(), group.topic());
            if (registered.add(key)) {
                registerGroup(key);
            }
            for (PartitionLag partition : group.partitions()) {
                PartitionKey partitionKey = new PartitionKey(group.group(), group.topic(), partition.partition());
                if (registered.add(partitionKey)) {
                    registerPartition(partitionKey);
                }
            }
        }
        for (DeadLetters topic : report.deadLetters()) {
            if (registered.add(topic.topic())) {
                gauge("parley_kafka_dlq_records", RECORDS, Tags.of("topic", topic.topic()), () -> {
                    DeadLetters now = index.deadLetters().get(topic.topic());
                    return now == null ? Double.NaN : now.records();
                });
            }
        }
    }

    private void registerGroup(GroupKey key) {
        Tags tags = Tags.of("group", key.group(), "topic", key.topic());
        gauge("parley_kafka_group_lag_messages", WAITING, tags, groupValue(key, GroupLag::lagMessages));
        gauge("parley_kafka_group_lag_seconds", OLDEST, tags, groupValue(key, GroupLag::lagSeconds));
        gauge("parley_kafka_time_to_drain_seconds", DRAIN, tags, groupValue(key,
                group -> group.timeToDrainSeconds() == null ? Double.NaN : group.timeToDrainSeconds()));
    }

    private void registerPartition(PartitionKey key) {
        Tags tags = Tags.of("group", key.group(), "topic", key.topic(), "partition", Integer.toString(key.partition()));
        gauge("parley_kafka_lag_messages", WAITING, tags, partitionValue(key, PartitionLag::lagMessages));
        gauge("parley_kafka_lag_seconds", OLDEST, tags, partitionValue(key, PartitionLag::lagSeconds));
        for (ConsumerState state : ConsumerState.values()) {
            gauge("parley_kafka_consumer_state", STATE, tags.and("state", state.name()),
                    partitionValue(key, partition -> partition.state() == state ? 1 : 0));
        }
    }

    private Supplier<Number> groupValue(GroupKey key, ToDoubleFunction<GroupLag> value) {
        return () -> {
            GroupLag group = index.groups().get(key);
            return group == null ? Double.NaN : value.applyAsDouble(group);
        };
    }

    private Supplier<Number> partitionValue(PartitionKey key, ToDoubleFunction<PartitionLag> value) {
        return () -> {
            PartitionLag partition = index.partitions().get(key);
            return partition == null ? Double.NaN : value.applyAsDouble(partition);
        };
    }

    private void gauge(String name, String description, Tags tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(meters);
    }
}
