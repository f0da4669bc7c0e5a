package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.simulators.WhatsAppGraphApiServer;
import dev.parley.simulators.WhatsAppGraphApiServer.GraphError;
import dev.parley.simulators.WhatsAppWebhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A WhatsApp number end to end through the hub: registered through the admin API against a local Graph API server,
 * Meta's handshake, signed message webhooks onto Kafka once, replies sent as WhatsApp text quoting the question,
 * status callbacks into the delivery record (never to the model), and Meta's refusals where the admin sees them.
 */
@QuarkusTest
class WhatsAppHubTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final String ADMIN = "Bearer test-admin-token-7f3a9c";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static WhatsAppGraphApiServer graph;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeAll
    static void startGraphApi() {
        graph = WhatsAppGraphApiServer.start();
    }

    @AfterAll
    static void stopGraphApi() {
        graph.close();
    }

    private record Number(String botId, String phoneNumberId, String token, String appSecret, String verifyToken) {
    }

    private static Number registeredNumber() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Number number = new Number("wa-" + suffix, "1065" + Math.abs(suffix.hashCode()), "EAAJ" + suffix + "token",
                "app-secret-" + suffix, "verify-" + suffix);
        graph.registerNumber(number.phoneNumberId(), number.token());
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("id", number.botId(), "platform", "whatsapp", "apiBaseUrl", graph.baseUrl(),
                        "credentials", Map.of("accessToken", number.token(), "appSecret", number.appSecret(),
                                "verifyToken", number.verifyToken(), "phoneNumberId", number.phoneNumberId())))
                .post("/admin/bots").then().statusCode(201);
        return number;
    }

    private static ValidatableResponse post(Number number, String payload, String signature) {
        return given().header("X-Hub-Signature-256", signature).contentType(ContentType.JSON)
                .body(payload.getBytes(StandardCharsets.UTF_8))
                .post("/webhooks/whatsapp/" + number.botId()).then();
    }

    private static ValidatableResponse signed(Number number, String payload) {
        return post(number, payload, WhatsAppWebhooks.signature(number.appSecret(),
                payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String textFrom(Number number, String user, String wamid, String text) {
        return WhatsAppWebhooks.textMessage(number.phoneNumberId(), "15550783881", user, "Ada", wamid, text,
                Instant.now().getEpochSecond());
    }

    private static List<ChatRequest> requestsOf(KafkaProbe requests, Number number, int expected) {
        return requests.await(r -> r.value().contains("\"botId\":\"" + number.botId() + "\""), expected,
                Duration.ofSeconds(4)).stream().map(r -> {
                    try {
                        return JSON.readValue(r.value(), ChatRequest.class);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).toList();
    }

    private static ChatReply finalReply(ChatRequest request, String markdown) {
        return new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(),
                request.route(), ReplyKind.FINAL, 0, markdown, "test", null,
                new ChatReply.Timings(Instant.now(), null, null, null));
    }

    @Test
    void metasHandshakeEchoesTheChallengeOnlyForTheBotsVerifyToken() {
        Number number = registeredNumber();

        String challenge = given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token",
                        number.verifyToken()).queryParam("hub.challenge", "1158201444")
                .get("/webhooks/whatsapp/" + number.botId()).then().statusCode(200).extract().asString();
        assertThat(challenge).isEqualTo("1158201444");
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "guess")
                .queryParam("hub.challenge", "1158201444")
                .get("/webhooks/whatsapp/" + number.botId()).then().statusCode(403);
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", number.verifyToken())
                .queryParam("hub.challenge", "1").get("/webhooks/whatsapp/wa-nobody").then().statusCode(404);
    }

    @Test
    void aSignedMessageIsEnqueuedOnceAndItsReplyQuotesIt() throws Exception {
        Number number = registeredNumber();
        String wamid = "wamid.HBgL" + UUID.randomUUID().toString().replace("-", "");
        String payload = textFrom(number, "16315551181", wamid, "What are your **opening hours**?");
        String altered = payload.replace("opening", "openinG");

        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            post(number, payload, "").statusCode(401);
            post(number, altered, WhatsAppWebhooks.signature(number.appSecret(),
                    payload.getBytes(StandardCharsets.UTF_8))).statusCode(401);
            signed(number, "{\"object\":").statusCode(400);
            signed(number, payload).statusCode(200);
            signed(number, payload).statusCode(200); // Meta's redelivery

            List<ChatRequest> written = requestsOf(requests, number, 2);
            assertThat(written).as("one request for the message, none for refusals or the redelivery").hasSize(1);
            ChatRequest request = written.get(0);
            assertThat(request.route().platform()).isEqualTo(Platform.WHATSAPP);
            assertThat(request.route().chatId()).isEqualTo("16315551181");
            assertThat(request.route().replyToMessageId()).isEqualTo(wamid);

            requests.send(Topics.REPLIES, request.conversationId(), finalReply(request, "We open at **9**."));
        }

        await().atMost(WAIT).until(() -> !graph.sentMessages(number.phoneNumberId()).isEmpty());
        WhatsAppGraphApiServer.SentMessage sent = graph.sentMessages(number.phoneNumberId()).get(0);
        assertThat(sent.text()).isEqualTo("We open at *9*.");
        assertThat(sent.to()).isEqualTo("16315551181");
        assertThat(sent.contextMessageId()).isEqualTo(wamid);
    }

    @Test
    void statusCallbacksUpdateTheDeliveryRecordInOrderOnceAndNeverReachTheModel() throws Exception {
        Number number = registeredNumber();
        String user = "16315551182";
        String question = "wamid.Q" + UUID.randomUUID().toString().replace("-", "");
        String sentWamid;
        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            signed(number, textFrom(number, user, question, "hi")).statusCode(200);
            ChatRequest request = requestsOf(requests, number, 1).get(0);
            requests.send(Topics.REPLIES, request.conversationId(), finalReply(request, "hello"));
            await().atMost(WAIT).until(() -> !graph.sentMessages(number.phoneNumberId()).isEmpty());
            sentWamid = graph.sentMessages(number.phoneNumberId()).get(0).wamid();
            await().atMost(WAIT).until(() -> given().header("Authorization", ADMIN)
                    .get("/admin/bots/" + number.botId() + "/deliveries/" + sentWamid).statusCode() == 200);

            long now = Instant.now().getEpochSecond();
            // Out of order and repeated, as Meta sends them: read overtakes delivered, sent comes twice.
            for (String status : List.of("sent", "read", "delivered", "sent", "read")) {
                signed(number, WhatsAppWebhooks.status(number.phoneNumberId(), sentWamid, user, status, now))
                        .statusCode(200);
            }

            Map<String, String> record = given().header("Authorization", ADMIN)
                    .get("/admin/bots/" + number.botId() + "/deliveries/" + sentWamid).then().statusCode(200)
                    .extract().as(Map.class);
            assertThat(record).containsEntry("status", "read").containsEntry("requestId", request.requestId())
                    .containsKeys("at:sent", "at:delivered", "at:read");
            assertThat(requestsOf(requests, number, 1)).as("no request after the question's: statuses never become "
                    + "requests").isEmpty();
        }
        given().header("Authorization", ADMIN).get("/admin/bots/" + number.botId() + "/deliveries/wamid.unknown")
                .then().statusCode(404);
    }

    @Test
    void outsideTheWindowIsListedForTheAdminAndARejectedTokenMarksTheBotUntilItIsReplaced() throws Exception {
        Number number = registeredNumber();
        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            signed(number, textFrom(number, "16315551183", "wamid.L" + UUID.randomUUID(), "late")).statusCode(200);
            signed(number, textFrom(number, "16315551183", "wamid.M" + UUID.randomUUID(), "later")).statusCode(200);
            List<ChatRequest> written = requestsOf(requests, number, 2);
            assertThat(written).hasSize(2);

            graph.refuseNext(number.phoneNumberId(), GraphError.reEngagementMessage());
            requests.send(Topics.REPLIES, written.get(0).conversationId(), finalReply(written.get(0), "too late"));
            await().atMost(WAIT).until(() -> !deliveryReport(number).path("failures").isEmpty());
            assertThat(deliveryReport(number).path("failures").get(0).path("code").asText()).isEqualTo("131047");

            graph.expireToken(number.token());
            requests.send(Topics.REPLIES, written.get(1).conversationId(), finalReply(written.get(1), "hello"));
            await().atMost(WAIT).until(() -> deliveryReport(number).path("credentialsRejected").hasNonNull("reason"));
        }
        String report = deliveryReport(number).toString();
        assertThat(report).contains("190").doesNotContain(number.token());
        assertThat(graph.sentMessages(number.phoneNumberId())).isEmpty();

        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("credentials", Map.of("accessToken", "EAAJ-new-token")))
                .patch("/admin/bots/" + number.botId()).then().statusCode(200);
        assertThat(deliveryReport(number).hasNonNull("credentialsRejected")).isFalse();
    }

    private static com.fasterxml.jackson.databind.JsonNode deliveryReport(Number number) throws Exception {
        return JSON.readTree(given().header("Authorization", ADMIN)
                .get("/admin/bots/" + number.botId() + "/deliveries").then().statusCode(200).extract().asString());
    }
}
