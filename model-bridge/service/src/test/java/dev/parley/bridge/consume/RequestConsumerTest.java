package dev.parley.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.SimulatorProcess;
import dev.parley.bridge.session.ConversationSession;
import dev.parley.bridge.session.SessionStore;
import dev.parley.bridge.session.Turn;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

/** The bridge on real Kafka and Infinispan, answering through the real simulator process. */
@QuarkusTest
@QuarkusTestResource(SimulatorProcess.class)
class RequestConsumerTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SessionStore sessions;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> replies;
    private final String conversationId = "webchat:webchat:dm:test-" + UUID.randomUUID();

    @BeforeEach
    void open() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("acks", "all");
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
        producer.close();
        replies.close();
        sessions.remove(conversationId);
    }

    private ChatRequest ask(String requestId, String text) throws Exception {
        ChatRequest request = new ChatRequest(ChatRequest.SCHEMA_VERSION, requestId, conversationId, "webchat:v",
                new ReplyRoute(Platform.WEBCHAT, "webchat", "v", null, "m-" + requestId), text, List.of(), Instant.now());
        producer.send(new ProducerRecord<>(Topics.REQUESTS, conversationId, JSON.writeValueAsString(request))).get();
        return request;
    }

    /** Requests a typing hint was seen for, before or among their replies. */
    private final List<String> typingHintsFor = new ArrayList<>();

    private ChatReply replyTo(String requestId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (var record : replies.poll(Duration.ofMillis(200))) {
                ChatReply reply = JSON.readValue(record.value(), ChatReply.class);
                if (reply.kind() == ReplyKind.TYPING) {
                    typingHintsFor.add(reply.requestId());
                    continue;
                }
                if (reply.kind() == ReplyKind.CHUNK) {
                    continue;
                }
                if (reply.requestId().equals(requestId)) {
                    assertThat(record.key()).isEqualTo(conversationId);
                    return reply;
                }
            }
        }
        throw new AssertionError("no reply to " + requestId + " within " + WAIT);
    }

    private List<JsonNode> modelRequestsOf(String conversation) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(SimulatorProcess.baseUrl() + "/simulator/requests")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> mine = new ArrayList<>();
        JSON.readTree(response.body()).forEach(r -> {
            if (conversation.equals(r.path("sessionId").asText())) {
                mine.add(r);
            }
        });
        return mine;
    }

    @Test
    void theUserSeesTypingBeforeTheAnswerOnTheSameConversationKey() throws Exception {
        String requestId = ask("typing-" + UUID.randomUUID(), "are you there?").requestId();

        ChatReply answer = replyTo(requestId);

        // Same key, same partition: the hint is read before the answer, never after it.
        assertThat(typingHintsFor).contains(requestId);
        assertThat(answer.kind()).isEqualTo(ReplyKind.FINAL);
    }

    @Test
    void theSecondQuestionReachesTheModelWithTheFirstExchangeFromTheSessionGrid() throws Exception {
        ChatReply one = replyTo(ask("r1-" + UUID.randomUUID(), "hello").requestId());
        ChatReply two = replyTo(ask("r2-" + UUID.randomUUID(), "and again").requestId());

        assertThat(one.kind()).isEqualTo(ReplyKind.FINAL);
        assertThat(one.text()).contains("Parley model simulator", "turn 1", "You said: \"hello\"");
        assertThat(one.route().replyToMessageId()).startsWith("m-r1-");
        assertThat(two.text()).contains("turn 2", "You said: \"and again\"");

        List<JsonNode> calls = modelRequestsOf(conversationId);
        assertThat(calls).hasSize(2);
        JsonNode secondCall = calls.get(1).get("messages");
        List<String> roles = new ArrayList<>();
        secondCall.forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).containsExactly("system", "user", "assistant", "user");
        assertThat(secondCall.get(1).get("content").asText()).isEqualTo("hello");
        assertThat(secondCall.get(2).get("content").asText()).isEqualTo(one.text());

        ConversationSession stored = sessions.load(conversationId);
        assertThat(stored.turns()).extracting(Turn::role).containsExactly("user", "assistant", "user", "assistant");
    }

    @Test
    void aRedeliveredRequestGetsTheStoredAnswerWithoutASecondModelCall() throws Exception {
        String requestId = "r-" + UUID.randomUUID();
        ask(requestId, "only once please");
        ChatReply first = replyTo(requestId);

        ask(requestId, "only once please"); // Kafka redelivery after a crash before the commit
        ChatReply again = replyTo(requestId);

        assertThat(again.text()).isEqualTo(first.text());
        assertThat(modelRequestsOf(conversationId)).hasSize(1);
        assertThat(sessions.load(conversationId).turns()).hasSize(2);
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReasonAndTheNextRequestIsStillAnswered() throws Exception {
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = dlq.partitionsFor(Topics.REQUESTS_DLQ).stream()
                    .map(i -> new TopicPartition(Topics.REQUESTS_DLQ, i.partition())).toList();
            dlq.assign(partitions);
            dlq.seekToEnd(partitions);
            partitions.forEach(dlq::position);

            String poison = "{not a chat request " + UUID.randomUUID();
            producer.send(new ProducerRecord<>(Topics.REQUESTS, conversationId, poison)).get();
            ChatReply answered = replyTo(ask("after-poison-" + UUID.randomUUID(), "still there?").requestId());

            assertThat(answered.kind()).isEqualTo(ReplyKind.FINAL);
            String reason = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (reason == null && System.nanoTime() < deadline) {
                for (var record : dlq.poll(Duration.ofMillis(200))) {
                    if (poison.equals(record.value())) {
                        var header = record.headers().lastHeader(Topics.HEADER_FAILURE_REASON);
                        reason = header == null ? "" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
            }
            assertThat(reason).as("the poison record on " + Topics.REQUESTS_DLQ).isNotNull().isNotBlank();
        }
    }
}
