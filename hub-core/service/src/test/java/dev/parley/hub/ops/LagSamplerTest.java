package dev.parley.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.parley.contract.Topics;
import dev.parley.hub.ops.LagReport.DeadLetter;
import dev.parley.hub.ops.LagReport.GroupLag;
import dev.parley.hub.ops.LagReport.PartitionLag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sampler against the real broker ({@code deploy/local/parley test}), on topics and groups of its own: its lag is
 * the admin API's, its lag in seconds the age of the oldest waiting record, and its states follow what the consumer
 * does. Samples are taken by the test, not on a timer.
 */
class LagSamplerTest {

    private static final int WINDOW = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String bootstrap;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    private final String topic = "parley.test.lag-" + UUID.randomUUID();
    private final String deadLetterTopic = topic + ".dlq";
    private final String group = "parley-test-lag-" + UUID.randomUUID();
    /** A group that never commits on the topic. */
    private final String silentGroup = group + "-silent";
    private LagSampler sampler;

    @BeforeAll
    static void connect() {
        bootstrap = ConfigProvider.getConfig().getOptionalValue("kafka.bootstrap.servers", String.class)
                .orElseThrow(() -> new IllegalStateException("no kafka.bootstrap.servers: run the tests with "
                        + "deploy/local/parley test, which sets KAFKA_BOOTSTRAP_SERVERS"));
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void disconnect() {
        producer.close();
        admin.close();
    }

    @BeforeEach
    void createTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1), new NewTopic(deadLetterTopic, 1, (short) 1)))
                .all().get();
        sampler = new LagSampler(admin, LagSamplerTest::reader, new LagSampler.Settings(
                List.of(new WatchedGroup(group, topic), new WatchedGroup(silentGroup, topic)), List.of(deadLetterTopic),
                Duration.ofMillis(500), WINDOW, 120), Clock.systemUTC());
    }

    @AfterEach
    void deleteTopics() throws Exception {
        admin.deleteTopics(List.of(topic, deadLetterTopic)).all().get();
    }

    private static Consumer<byte[], byte[]> reader() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaConsumer<String, String> member() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
    }

    private void send(int partition, Instant timestamp, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, timestamp.toEpochMilli(), null, value)).get();
    }

    private static GroupLag groupIn(LagReport report, String group) {
        return report.groups().stream().filter(lag -> lag.group().equals(group)).findFirst().orElseThrow();
    }

    /** Log end minus committed offset per partition, asked of Kafka's admin API directly. */
    private Map<Integer, Long> lagKafkaReports() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream().collect(Collectors.toMap(
                entry -> entry.getKey().partition(),
                entry -> entry.getValue().offset() - committed.get(entry.getKey()).offset(), (a, b) -> a,
                TreeMap::new));
    }

    /**
     * A member of the group that owns both partitions, committed offset 0 on each, and then neither polls nor commits
     * (its heartbeats keep it in the group) while 5 records arrive on partition 0, the first a minute old, and 3 on
     * partition 1.
     */
    private KafkaConsumer<String, String> idleMemberBehindEightRecords() throws Exception {
        KafkaConsumer<String, String> idle = member();
        idle.subscribe(List.of(topic));
        await().atMost(WAIT).until(() -> {
            idle.poll(Duration.ofMillis(100));
            return idle.assignment().size() == 2;
        });
        idle.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                new TopicPartition(topic, 1), new OffsetAndMetadata(0)));
        send(0, Instant.now().minusSeconds(60), "oldest");
        for (int i = 0; i < 4; i++) {
            send(0, Instant.now(), "p0-" + i);
        }
        for (int i = 0; i < 3; i++) {
            send(1, Instant.now(), "p1-" + i);
        }
        return idle;
    }

    @Test
    void lagInMessagesIsWhatKafkaReportsAndLagInSecondsTheOldestWaitingRecordsAge() throws Exception {
        try (KafkaConsumer<String, String> idle = idleMemberBehindEightRecords()) {
            GroupLag lagging = groupIn(sampler.sample(), group);
            assertThat(lagging.partitions()).extracting(PartitionLag::partition, PartitionLag::lagMessages)
                    .containsExactlyElementsOf(lagKafkaReports().entrySet().stream()
                            .map(entry -> tuple(entry.getKey(), entry.getValue())).toList());
            assertThat(lagging.lagMessages()).isEqualTo(8);
            assertThat(lagging.partitions()).extracting(PartitionLag::committedOffset).containsExactly(0L, 0L);
            assertThat(lagging.partitions()).extracting(PartitionLag::logEndOffset).containsExactly(5L, 3L);
            double firstSeconds = lagging.lagSeconds();
            assertThat(firstSeconds).as("the oldest waiting record is a minute old").isBetween(60.0, 90.0);
            assertThat(lagging.partitions().getFirst().lagSeconds()).isEqualTo(firstSeconds);

            GroupLag silent = groupIn(sampler.report(), silentGroup);
            assertThat(silent.partitions()).extracting(PartitionLag::committedOffset).containsOnlyNulls();
            assertThat(silent.lagMessages()).as("log end minus earliest without a commit").isEqualTo(8);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> groupIn(sampler.sample(), group).lagSeconds() > firstSeconds);
        }
    }

    @Test
    void aConsumerThatDoesNotMoveStallsIsStoppedOnceGoneAndIsOkOnceCaughtUp() throws Exception {
        try (KafkaConsumer<String, String> idle = idleMemberBehindEightRecords()) {
            for (int i = 0; i < WINDOW; i++) {
                sampler.sample();
            }
            GroupLag stalled = groupIn(sampler.report(), group);
            assertThat(stalled.state()).isEqualTo(ConsumerState.STALL);
            assertThat(stalled.partitions()).extracting(PartitionLag::state).containsOnly(ConsumerState.STALL);
            assertThat(stalled.timeToDrainSeconds()).as("not draining").isNull();
            assertThat(groupIn(sampler.report(), silentGroup).state()).isEqualTo(ConsumerState.STOP);
        }
        // The member left the group: nobody owns the partitions now.
        await().atMost(WAIT).until(() -> groupIn(sampler.sample(), group).state() == ConsumerState.STOP);

        try (KafkaConsumer<String, String> catchingUp = member()) {
            catchingUp.subscribe(List.of(topic));
            List<String> consumed = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                catchingUp.poll(Duration.ofMillis(100)).forEach(record -> consumed.add(record.value()));
                return consumed.size() == 8;
            });
            catchingUp.commitSync();
        }
        GroupLag caughtUp = groupIn(sampler.sample(), group);
        assertThat(caughtUp.lagMessages()).isZero();
        assertThat(caughtUp.lagSeconds()).isZero();
        assertThat(caughtUp.timeToDrainSeconds()).isZero();
        assertThat(caughtUp.state()).isEqualTo(ConsumerState.OK);
        assertThat(caughtUp.consumePerSecond()).isPositive();
        List<LagReport.HistoryPoint> history = caughtUp.partitions().getFirst().history();
        assertThat(history.getFirst().lagMessages()).isEqualTo(5);
        assertThat(history.getLast().lagMessages()).isZero();
    }

    @Test
    void recordsDeletedBeforeTheGroupReadThemAreAnError() throws Exception {
        TopicPartition first = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> member = member()) {
            member.assign(List.of(first));
            member.commitSync(Map.of(first, new OffsetAndMetadata(0)));
        }
        Instant start = Instant.now().minusSeconds(30);
        for (int i = 0; i < 5; i++) {
            send(0, start.plusSeconds(i), "r" + i);
        }
        // What retention does to records older than its limit.
        admin.deleteRecords(Map.of(first, RecordsToDelete.beforeOffset(3))).all().get();

        PartitionLag lost = groupIn(sampler.sample(), group).partitions().getFirst();
        assertThat(lost.state()).isEqualTo(ConsumerState.ERR);
        assertThat(lost.committedOffset()).isZero();
        assertThat(lost.lagMessages()).as("as kafka-consumer-groups.sh prints it").isEqualTo(5);
        // The oldest record still waiting is the first one left, written 27 s ago.
        assertThat(lost.lagSeconds()).isBetween(27.0, 57.0);
    }

    @Test
    void deadLettersAreCountedWithTheNewestReasonsFirst() throws Exception {
        Instant start = Instant.now().minusSeconds(10);
        for (int i = 0; i < 7; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(Topics.HEADER_FAILURE_REASON, ("reason " + i).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(deadLetterTopic, 0, start.plusSeconds(i).toEpochMilli(), null,
                    "{}", headers)).get();
        }

        LagReport.DeadLetters dead = sampler.sample().deadLetters().getFirst();
        assertThat(dead.topic()).isEqualTo(deadLetterTopic);
        assertThat(dead.records()).isEqualTo(7);
        assertThat(dead.latest()).extracting(DeadLetter::reason)
                .containsExactly("reason 6", "reason 5", "reason 4", "reason 3", "reason 2");
        assertThat(dead.latest().getFirst().at()).isEqualTo(start.plusSeconds(6).truncatedTo(ChronoUnit.MILLIS));

        producer.send(new ProducerRecord<>(deadLetterTopic, 0, null, "{}")).get();
        LagReport.DeadLetters more = sampler.sample().deadLetters().getFirst();
        assertThat(more.records()).isEqualTo(8);
        assertThat(more.latest()).hasSize(5).first().extracting(DeadLetter::reason).isNull();
    }
}
