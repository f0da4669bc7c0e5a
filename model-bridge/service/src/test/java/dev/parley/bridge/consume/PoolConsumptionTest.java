package dev.parley.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.ScriptedModels;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge on real Kafka and Infinispan against two scripted replicas: keyed concurrency within one partition,
 * order within a conversation, failover past a refusing replica, and the busy reply when none answers.
 */
@QuarkusTest
@TestProfile(ScriptedModels.Profile.class)
class PoolConsumptionTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> replies;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void open() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", StringDeserializer.class.getName());
        replies = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = replies.partitionsFor(Topics.REPLIES).stream()
                .map(i -> new TopicPartition(Topics.REPLIES, i.partition())).toList();
        replies.assign(partitions);
        replies.seekToEnd(partitions);
        partitions.forEach(replies::position);
    }

    @AfterEach
    void close() {
        ScriptedModels.replica(0).refusing = false;
        ScriptedModels.replica(1).refusing = false;
        producer.close();
        replies.close();
    }

    /** Every request into partition 0, whatever its conversation, as if Kafka's hash had put them together. */
    private String ask(String conversation, String text) throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        String conversationId = "webchat:webchat:dm:" + conversation + "-" + run;
        ChatRequest request = new ChatRequest(ChatRequest.SCHEMA_VERSION, requestId, conversationId, "webchat:v",
                new ReplyRoute(Platform.WEBCHAT, "webchat", "v", null, "m-" + requestId), text, List.of(),
                Instant.now());
        producer.send(new ProducerRecord<>(Topics.REQUESTS, 0, conversationId, JSON.writeValueAsString(request)))
                .get();
        return requestId;
    }

    /** Final and error replies to the given requests, in the order Kafka has them, with when each was read. */
    private Map<String, ChatReply> answers(List<String> requestIds, Map<String, Long> readAt) throws Exception {
        Map<String, ChatReply> found = new LinkedHashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (found.size() < requestIds.size() && System.nanoTime() < deadline) {
            for (var record : replies.poll(Duration.ofMillis(100))) {
                ChatReply reply = JSON.readValue(record.value(), ChatReply.class);
                if (requestIds.contains(reply.requestId())
                        && (reply.kind() == ReplyKind.FINAL || reply.kind() == ReplyKind.ERROR)) {
                    assertThat(found.put(reply.requestId(), reply)).as("one answer per request").isNull();
                    readAt.put(reply.requestId(), System.nanoTime());
                }
            }
        }
        return found;
    }

    @Test
    void aSlowConversationDoesNotDelayTheOthersInItsPartition() throws Exception {
        long sent = System.nanoTime();
        String slow = ask("slow", "a slow question");
        List<String> quick = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quick.add(ask("quick" + i, "a quick question " + i));
        }
        List<String> all = new ArrayList<>(quick);
        all.add(slow);

        Map<String, Long> readAt = new LinkedHashMap<>();
        Map<String, ChatReply> answers = answers(all, readAt);

        assertThat(answers).containsOnlyKeys(all);
        assertThat(new ArrayList<>(answers.keySet())).as("every quick answer before the slow one").endsWith(slow);
        for (String id : quick) {
            assertThat(Duration.ofNanos(readAt.get(id) - sent)).as("quick answers do not wait for the slow one")
                    .isLessThan(Duration.ofMillis(ScriptedModels.SLOW_MILLIS));
        }
    }

    @Test
    void aConversationsQuestionsAreAnsweredInTheirOrder() throws Exception {
        String first = ask("ordered", "first and slow");
        String second = ask("ordered", "second and quick");

        Map<String, ChatReply> answers = answers(List.of(first, second), new LinkedHashMap<>());

        assertThat(answers.keySet()).containsExactly(first, second);
        assertThat(answers.get(second).text()).contains("second and quick");
    }

    @Test
    void aRefusingReplicaIsPassedOverAndEachQuestionAnsweredOnceByTheOther() throws Exception {
        ScriptedModels.replica(0).refusing = true;
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            asked.add(ask("failover" + i, "question " + i));
        }

        Map<String, ChatReply> answers = answers(asked, new LinkedHashMap<>());

        assertThat(answers).hasSize(6);
        assertThat(answers.values()).allSatisfy(reply -> {
            assertThat(reply.kind()).isEqualTo(ReplyKind.FINAL);
            assertThat(reply.text()).startsWith("replica 1 answers");
            assertThat(reply.usage()).isNotNull();
        });
    }

    @Test
    void whenNoReplicaAnswersTheUserGetsTheShortBusyReply() throws Exception {
        ScriptedModels.replica(0).refusing = true;
        ScriptedModels.replica(1).refusing = true;

        String asked = ask("busy", "anyone there?");
        ChatReply reply = answers(List.of(asked), new LinkedHashMap<>()).get(asked);

        assertThat(reply).isNotNull();
        assertThat(reply.kind()).isEqualTo(ReplyKind.ERROR);
        assertThat(reply.text()).contains("busy");
    }
}
