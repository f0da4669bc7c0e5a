package dev.parley.hub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.hub.TestVisitor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web chat socket against real Kafka and Redis: acceptance after Kafka, dedup, delivery, the mailbox. */
@QuarkusTest
class ChatSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = ContractJson.newMapper();

    @TestHTTPResource("/")
    URI base;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private KafkaProbe requests;

    @BeforeEach
    void openProbe() {
        requests = new KafkaProbe(bootstrap, Topics.REQUESTS);
    }

    @AfterEach
    void closeProbe() {
        requests.close();
    }

    private String wsBase() {
        return "ws://" + base.getHost() + ":" + base.getPort();
    }

    private List<ChatRequest> requestsOf(String conversationId, int expected, Duration within) {
        return requests.await(r -> conversationId.equals(r.key()), expected, within).stream()
                .map(ConsumerRecord::value).map(value -> {
                    try {
                        return JSON.readValue(value, ChatRequest.class);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).toList();
    }

    @Test
    void aMessageIsAcceptedOnlyOnceKafkaHasItKeyedByConversation() throws Exception {
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null)) {
            JsonNode welcome = visitor.next("welcome", WAIT);
            String conversationId = welcome.get("conversationId").asText();
            assertThat(welcome.get("visitorToken").asText()).startsWith("v1.");

            visitor.sendMessage("m-1", "hello **world**");

            assertThat(visitor.next(WAIT)).isEqualTo(JSON.readTree("{\"type\":\"accepted\",\"id\":\"m-1\"}"));
            List<ChatRequest> written = requestsOf(conversationId, 1, WAIT);
            assertThat(written).hasSize(1);
            ChatRequest request = written.get(0);
            assertThat(request.schemaVersion()).isEqualTo(ChatRequest.SCHEMA_VERSION);
            assertThat(request.text()).isEqualTo("hello **world**");
            assertThat(request.route().platform()).isEqualTo(Platform.WEBCHAT);
            assertThat(request.route().replyToMessageId()).isEqualTo("m-1");
            assertThat(conversationId).startsWith("dm:u");
            assertThat(request.userId()).isEqualTo(conversationId.substring("dm:".length()));
        }
    }

    @Test
    void aResentMessageIsAcknowledgedButEnqueuedOnce() throws Exception {
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null)) {
            String conversationId = visitor.next("welcome", WAIT).get("conversationId").asText();
            String id = "dup-" + UUID.randomUUID();

            visitor.sendMessage(id, "once");
            assertThat(visitor.next(WAIT).get("type").asText()).isEqualTo("accepted");
            visitor.sendMessage(id, "once");
            assertThat(visitor.next(WAIT).get("type").asText()).isEqualTo("accepted");

            assertThat(requestsOf(conversationId, 2, Duration.ofSeconds(3))).hasSize(1);
        }
    }

    @Test
    void theTokenKeepsTheConversationAcrossReconnectsAndAForgedOneDoesNot() throws Exception {
        String token;
        String conversationId;
        try (TestVisitor first = TestVisitor.connect(wsBase(), null)) {
            JsonNode welcome = first.next("welcome", WAIT);
            token = welcome.get("visitorToken").asText();
            conversationId = welcome.get("conversationId").asText();
        }
        try (TestVisitor again = TestVisitor.connect(wsBase(), token)) {
            JsonNode welcome = again.next("welcome", WAIT);
            assertThat(welcome.get("conversationId").asText()).isEqualTo(conversationId);
            assertThat(welcome.get("visitorToken").asText()).isEqualTo(token);
        }
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
        try (TestVisitor intruder = TestVisitor.connect(wsBase(), forged)) {
            assertThat(intruder.next("welcome", WAIT).get("conversationId").asText()).isNotEqualTo(conversationId);
        }
    }

    @Test
    void badFramesGetAReasonAndTheSocketKeepsWorking() throws Exception {
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null)) {
            visitor.next("welcome", WAIT);

            visitor.send("{not json");
            JsonNode malformed = visitor.next(WAIT);
            assertThat(malformed.get("type").asText()).isEqualTo("rejected");
            assertThat(malformed.get("status").asInt()).isEqualTo(400);
            assertThat(malformed.get("reason").asText()).isEqualTo("frame is not valid JSON");

            visitor.sendMessage("big", "x".repeat(4001));
            JsonNode oversized = visitor.next(WAIT);
            assertThat(oversized.get("status").asInt()).isEqualTo(413);
            assertThat(oversized.get("id").asText()).isEqualTo("big");

            visitor.sendMessage("ok-1", "still here");
            assertThat(visitor.next(WAIT).get("type").asText()).isEqualTo("accepted");
        }
    }

    /** The visitor id inside a token ({@code v1.<visitor>.<signature>}): replies are routed to it. */
    private static String visitorOf(String token) {
        return token.split("\\.")[1];
    }

    private static ChatReply replyFor(String visitorId, String replyTo, String text) {
        String conversationId = "dm:test-" + visitorId;
        return new ChatReply(ChatReply.SCHEMA_VERSION, UUID.randomUUID().toString(), conversationId,
                new ReplyRoute(Platform.WEBCHAT, "webchat", visitorId, null, replyTo), ReplyKind.FINAL, 0, text,
                "test", null, new ChatReply.Timings(Instant.now(), null, null, null));
    }

    @Test
    void aReplyReachesTheVisitorsSocketRenderedAndOnlyOnce() throws Exception {
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null);
             KafkaProbe replies = new KafkaProbe(bootstrap, Topics.REPLIES)) {
            JsonNode welcome = visitor.next("welcome", WAIT);
            String conversationId = welcome.get("conversationId").asText();
            String visitorId = visitorOf(welcome.get("visitorToken").asText());
            ChatReply reply = replyFor(visitorId, "m-7", "It is **noon**. <script>x</script>");

            replies.send(Topics.REPLIES, conversationId, reply);
            replies.send(Topics.REPLIES, conversationId, reply); // a replay after a crash

            JsonNode frame = visitor.next("reply", WAIT);
            assertThat(frame.get("replyTo").asText()).isEqualTo("m-7");
            assertThat(frame.get("markdown").asText()).isEqualTo(reply.text());
            assertThat(frame.get("html").asText())
                    .isEqualTo("<p>It is <strong>noon</strong>. &lt;script&gt;x&lt;/script&gt;</p>\n");
            assertThat(visitor.poll(Duration.ofSeconds(2))).as("the replayed reply is not shown again").isNull();
        }
    }

    @Test
    void aReplyForAnOfflineVisitorWaitsInTheMailboxUntilTheyReconnect() throws Exception {
        String token;
        String conversationId;
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null)) {
            JsonNode welcome = visitor.next("welcome", WAIT);
            token = welcome.get("visitorToken").asText();
            conversationId = welcome.get("conversationId").asText();
        }
        String visitorId = visitorOf(token);
        try (KafkaProbe replies = new KafkaProbe(bootstrap, Topics.REPLIES)) {
            replies.send(Topics.REPLIES, conversationId, replyFor(visitorId, "m-1", "first"));
            replies.send(Topics.REPLIES, conversationId, replyFor(visitorId, "m-2", "second"));
        }
        Thread.sleep(1500); // let delivery find no socket and keep both replies

        try (TestVisitor back = TestVisitor.connect(wsBase(), token)) {
            assertThat(back.next(WAIT).get("type").asText()).isEqualTo("welcome");
            assertThat(back.next("reply", WAIT).get("markdown").asText()).isEqualTo("first");
            assertThat(back.next("reply", WAIT).get("markdown").asText()).isEqualTo("second");
        }
    }

    @Test
    void aReplyIsSentAgainOnReconnectUntilTheBrowserAcknowledgesIt() throws Exception {
        String token;
        try (TestVisitor visitor = TestVisitor.connect(wsBase(), null);
             KafkaProbe replies = new KafkaProbe(bootstrap, Topics.REPLIES)) {
            JsonNode welcome = visitor.next("welcome", WAIT);
            token = welcome.get("visitorToken").asText();
            String conversationId = welcome.get("conversationId").asText();
            replies.send(Topics.REPLIES, conversationId, replyFor(visitorOf(token), "m-a", "shown and acknowledged"));
            replies.send(Topics.REPLIES, conversationId, replyFor(visitorOf(token), "m-b", "lost with the socket"));

            visitor.ack(visitor.next("reply", WAIT));
            assertThat(visitor.next("reply", WAIT).get("markdown").asText()).isEqualTo("lost with the socket");
            Thread.sleep(300); // let the hub take the ack before the socket goes
        }

        try (TestVisitor back = TestVisitor.connect(wsBase(), token)) {
            back.next("welcome", WAIT);
            JsonNode again = back.next("reply", WAIT);
            assertThat(again.get("markdown").asText()).isEqualTo("lost with the socket");
            back.ack(again);
            assertThat(back.poll(Duration.ofSeconds(1))).isNull();
        }
        try (TestVisitor third = TestVisitor.connect(wsBase(), token)) {
            third.next("welcome", WAIT);
            assertThat(third.poll(Duration.ofSeconds(1))).as("everything was acknowledged").isNull();
        }
    }
}
