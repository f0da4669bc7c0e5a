package dev.parley.hub.ops;

import dev.parley.contract.Topics;
import dev.parley.hub.config.HubConfig;
import dev.parley.hub.ops.LagReport.DeadLetter;
import dev.parley.hub.ops.LagReport.DeadLetters;
import dev.parley.hub.ops.LagReport.GroupLag;
import dev.parley.hub.ops.RecordReader.Span;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;

/**
 * Samples the watched consumer groups and the dead-letter topics with Kafka's admin API and keeps each partition's
 * recent samples. Lag in messages is the number {@code kafka-consumer-groups.sh --describe} prints (log end minus
 * committed offset). Lag in seconds is the age of the oldest record the group has not consumed: what a user waits,
 * and what a count cannot tell (ten records for a quiet bot may be an hour old). That record's timestamp is read
 * with a short-lived consumer once per (partition, offset) and remembered while the group stays there.
 *
 * <p>Only reads: it joins no group and commits nothing, so any number of hub nodes may sample the same groups.
 * Not thread-safe: one thread calls {@link #sample()}; {@link #report()} may be read from any thread.
 */
public final class LagSampler {

    /** What to watch, and how often and how long (see {@link HubConfig.Ops}). */
    public record Settings(List<WatchedGroup> groups, List<String> deadLetterTopics, Duration interval, int window,
                           int history) {

        public Settings {
            if (history < window) {
                throw new IllegalArgumentException("parley.ops.history (" + history + ") must be at least "
                        + "parley.ops.window (" + window + "): a state is judged over samples that are kept");
            }
            groups = List.copyOf(groups);
            deadLetterTopics = List.copyOf(deadLetterTopics);
        }

        public static Settings of(HubConfig.Ops ops) {
            return new Settings(ops.groups().stream().map(WatchedGroup::parse).toList(), ops.deadLetterTopics(),
                    ops.sampleInterval(), ops.window(), ops.history());
        }
    }

    /** An admin call slower than this fails the sample; the next one tries again. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final int LATEST_DEAD_LETTERS = 5;
    private static final int REASON_LIMIT = 500;

    /** A record's place: the key of the remembered timestamps. */
    private record Position(TopicPartition partition, long offset) {
    }

    /** The newest dead letters of a topic, read when its partitions ended where {@code ends} says. */
    private record DeadLetterTail(Map<TopicPartition, Long> ends, List<DeadLetter> latest) {
    }

    /** One moment's reading: where each partition starts and ends, where each group committed, what its members own. */
    private record Offsets(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends,
                           Map<String, Map<TopicPartition, OffsetAndMetadata>> committed,
                           Map<String, Set<TopicPartition>> owned) {
    }

    private final Admin admin;
    private final RecordReader reader;
    private final Settings settings;
    private final ConsumerStatus status;
    private final Clock clock;
    private final Map<WatchedGroup, Map<Integer, Deque<PartitionSample>>> histories = new HashMap<>();
    private final Map<Position, Long> oldestTimestamps = new HashMap<>();
    private final Map<String, DeadLetterTail> deadLetterTails = new HashMap<>();
    private volatile LagReport latest;

    /**
     * @param readers makes the consumers that read records' timestamps and the dead letters: no group id, no
     *                auto-commit, byte-array deserializers; each is closed after one sample
     */
    public LagSampler(Admin admin, Supplier<Consumer<byte[], byte[]>> readers, Settings settings, Clock clock) {
        this.admin = admin;
        this.reader = new RecordReader(readers);
        this.settings = settings;
        this.status = new ConsumerStatus(settings.window());
        this.clock = clock;
        this.latest = LagReport.none(intervalSeconds());
    }

    /** The latest sample's report; before the first, one without groups and a null time. */
    public LagReport report() {
        return latest;
    }

    /** Takes one sample of every watched group and dead-letter topic and returns the new report. */
    public LagReport sample() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = new LinkedHashSet<>();
        settings.groups().forEach(watched -> topics.add(watched.topic()));
        topics.addAll(settings.deadLetterTopics());
        Map<String, List<TopicPartition>> partitions = partitionsOf(topics);
        Offsets offsets = offsets(partitions);
        // Milliseconds, like record timestamps; finer digits would only trouble the page's date parsing.
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        Map<WatchedGroup, Map<TopicPartition, PartitionSample>> counted = new HashMap<>();
        Map<Position, Span> oldestWanted = new HashMap<>();
        for (WatchedGroup watched : settings.groups()) {
            Map<TopicPartition, PartitionSample> samples = new HashMap<>();
            for (TopicPartition partition : partitions.get(watched.topic())) {
                PartitionSample sample = sampleOf(watched, partition, offsets, at);
                samples.put(partition, sample);
                Position oldest = new Position(partition, sample.oldestWaitingOffset());
                if (sample.lagMessages() > 0 && !oldestTimestamps.containsKey(oldest)) {
                    oldestWanted.put(oldest, new Span(partition, oldest.offset(), sample.logEndOffset(), 1));
                }
            }
            counted.put(watched, samples);
        }
        Map<String, List<Span>> deadLetterWanted = new HashMap<>();
        for (String topic : settings.deadLetterTopics()) {
            if (!tailUnchanged(topic, partitions.get(topic), offsets)) {
                deadLetterWanted.put(topic, partitions.get(topic).stream()
                        .filter(partition -> offsets.ends().get(partition) > offsets.starts().get(partition))
                        .map(partition -> newest(partition, offsets)).toList());
            }
        }
        List<Span> spans = new ArrayList<>(oldestWanted.values());
        deadLetterWanted.values().forEach(spans::addAll);
        Map<Span, List<ConsumerRecord<byte[], byte[]>>> read = reader.read(spans);

        oldestWanted.forEach((position, span) -> read.getOrDefault(span, List.of()).stream().findFirst()
                .ifPresent(record -> oldestTimestamps.put(position, record.timestamp())));
        deadLetterWanted.forEach((topic, topicSpans) -> deadLetterTails.put(topic,
                tailOf(topicSpans, read, partitions.get(topic), offsets)));
        remember(counted, at);

        latest = new LagReport(at, intervalSeconds(),
                settings.groups().stream().map(watched -> GroupLag.of(watched, snapshot(watched), status)).toList(),
                settings.deadLetterTopics().stream().map(topic -> deadLettersOf(topic, partitions, offsets)).toList());
        return latest;
    }

    private double intervalSeconds() {
        return settings.interval().toMillis() / 1000.0;
    }

    /** Each topic's partitions; none for a topic that does not exist (yet). */
    private Map<String, List<TopicPartition>> partitionsOf(Set<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(topics).topicNameValues();
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        for (String topic : topics) {
            TopicDescription description = awaitOr(described.get(topic), UnknownTopicOrPartitionException.class, null);
            partitions.put(topic, description == null ? List.of() : description.partitions().stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList());
        }
        return partitions;
    }

    private Offsets offsets(Map<String, List<TopicPartition>> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> groupIds = settings.groups().stream().map(WatchedGroup::group)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        // Committed offsets first, log ends after: a commit between the two reads cannot then pass the log end.
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        var listed = admin.listConsumerGroupOffsets(groupIds.stream()
                .collect(Collectors.toMap(group -> group, group -> new ListConsumerGroupOffsetsSpec())));
        for (String group : groupIds) {
            committed.put(group, awaitOr(listed.partitionsToOffsetAndMetadata(group), GroupIdNotFoundException.class,
                    Map.of()));
        }
        Map<String, Set<TopicPartition>> owned = new HashMap<>();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described =
                admin.describeConsumerGroups(groupIds).describedGroups();
        for (String group : groupIds) {
            ConsumerGroupDescription description = awaitOr(described.get(group), GroupIdNotFoundException.class, null);
            owned.put(group, description == null ? Set.of() : description.members().stream()
                    .flatMap(member -> member.assignment().topicPartitions().stream()).collect(Collectors.toSet()));
        }
        List<TopicPartition> all = partitions.values().stream().flatMap(List::stream).distinct().toList();
        return new Offsets(listOffsets(all, OffsetSpec.earliest()), listOffsets(all, OffsetSpec.latest()), committed,
                owned);
    }

    private Map<TopicPartition, Long> listOffsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec))).all())
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    /** The group on the partition, without its lag in seconds, which needs the oldest record's timestamp. */
    private static PartitionSample sampleOf(WatchedGroup watched, TopicPartition partition, Offsets offsets,
                                            Instant at) {
        OffsetAndMetadata committed = offsets.committed().get(watched.group()).get(partition);
        return new PartitionSample(at, offsets.starts().get(partition), offsets.ends().get(partition),
                committed == null ? OptionalLong.empty() : OptionalLong.of(committed.offset()), 0,
                offsets.owned().get(watched.group()).contains(partition));
    }

    /**
     * Adds the lag in seconds to each sample and appends it to its partition's history; forgets partitions that are
     * gone and timestamps of records that are consumed.
     */
    private void remember(Map<WatchedGroup, Map<TopicPartition, PartitionSample>> counted, Instant at) {
        Set<Position> stillWaiting = new HashSet<>();
        counted.forEach((watched, samples) -> {
            Map<Integer, Deque<PartitionSample>> previous = histories.getOrDefault(watched, Map.of());
            Map<Integer, Deque<PartitionSample>> current = new TreeMap<>();
            samples.forEach((partition, sample) -> {
                double lagSeconds = 0;
                if (sample.lagMessages() > 0) {
                    Position oldest = new Position(partition, sample.oldestWaitingOffset());
                    stillWaiting.add(oldest);
                    Long timestamp = oldestTimestamps.get(oldest);
                    // A record not read in time counts as just written; it is read again next sample.
                    lagSeconds = timestamp == null ? 0 : Math.max(0, at.toEpochMilli() - timestamp) / 1000.0;
                }
                Deque<PartitionSample> history = previous.getOrDefault(partition.partition(), new ArrayDeque<>());
                history.addLast(sample.withLagSeconds(lagSeconds));
                while (history.size() > settings.history()) {
                    history.removeFirst();
                }
                current.put(partition.partition(), history);
            });
            histories.put(watched, current);
        });
        oldestTimestamps.keySet().retainAll(stillWaiting);
    }

    private Map<Integer, List<PartitionSample>> snapshot(WatchedGroup watched) {
        Map<Integer, List<PartitionSample>> copy = new TreeMap<>();
        histories.getOrDefault(watched, Map.of()).forEach((partition, history) -> copy.put(partition,
                List.copyOf(history)));
        return copy;
    }

    private boolean tailUnchanged(String topic, List<TopicPartition> partitions, Offsets offsets) {
        DeadLetterTail tail = deadLetterTails.get(topic);
        return tail != null && tail.ends().equals(endsOf(partitions, offsets));
    }

    private static Map<TopicPartition, Long> endsOf(List<TopicPartition> partitions, Offsets offsets) {
        return partitions.stream().collect(Collectors.toMap(p -> p, p -> offsets.ends().get(p)));
    }

    private static Span newest(TopicPartition partition, Offsets offsets) {
        long end = offsets.ends().get(partition);
        long from = Math.max(offsets.starts().get(partition), end - LATEST_DEAD_LETTERS);
        return new Span(partition, from, end, (int) (end - from));
    }

    /** The newest dead letters of a topic; remembered for its current ends only if all of them were read. */
    private static DeadLetterTail tailOf(List<Span> spans,
                                         Map<Span, List<ConsumerRecord<byte[], byte[]>>> read,
                                         List<TopicPartition> partitions, Offsets offsets) {
        boolean complete = spans.stream().allMatch(span -> read.getOrDefault(span, List.of()).size() == span.limit());
        List<DeadLetter> latest = spans.stream().flatMap(span -> read.getOrDefault(span, List.of()).stream())
                .map(record -> new DeadLetter(Instant.ofEpochMilli(record.timestamp()), reasonOf(record)))
                .sorted(DeadLetter.NEWEST_FIRST).limit(LATEST_DEAD_LETTERS).toList();
        return new DeadLetterTail(complete ? endsOf(partitions, offsets) : Map.of(), latest);
    }

    private static String reasonOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(Topics.HEADER_FAILURE_REASON);
        if (header == null || header.value() == null) {
            return null;
        }
        String reason = new String(header.value(), StandardCharsets.UTF_8);
        return reason.length() > REASON_LIMIT ? reason.substring(0, REASON_LIMIT) : reason;
    }

    private DeadLetters deadLettersOf(String topic, Map<String, List<TopicPartition>> partitions, Offsets offsets) {
        long records = partitions.get(topic).stream()
                .mapToLong(partition -> offsets.ends().get(partition) - offsets.starts().get(partition)).sum();
        DeadLetterTail tail = deadLetterTails.get(topic);
        return new DeadLetters(topic, records, tail == null ? List.of() : tail.latest());
    }

    private static <T> T await(KafkaFuture<T> future)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The future's value, or {@code otherwise} when it failed because the thing asked about does not exist. */
    private static <T> T awaitOr(KafkaFuture<T> future, Class<? extends Exception> absent, T otherwise)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return await(future);
        } catch (ExecutionException e) {
            if (absent.isInstance(e.getCause())) {
                return otherwise;
            }
            throw e;
        }
    }
}
