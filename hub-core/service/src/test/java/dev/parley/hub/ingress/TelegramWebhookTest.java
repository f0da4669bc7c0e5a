package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.TelegramBotApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A Telegram bot end to end through the hub: registered through the admin API against a local Bot API server,
 * a real Update fixture posted to the webhook with the secret it was registered with, the request on Kafka, and
 * the reply rendered to Telegram HTML and sent with the real telegrambots client.
 */
@QuarkusTest
class TelegramWebhookTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final Path FIXTURES = Path.of("../../adapters/telegram/src/test/resources/fixtures/telegram");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TelegramBotApiServer telegram;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeAll
    static void startBotApi() {
        telegram = TelegramBotApiServer.start();
    }

    @AfterAll
    static void stopBotApi() {
        telegram.close();
    }

    private static String fixture(String name, long updateId) throws Exception {
        ObjectNode update = (ObjectNode) JSON.readTree(Files.readString(FIXTURES.resolve(name)));
        update.put("update_id", updateId); // unique per run: the hub remembers update ids for a day
        return update.toString();
    }

    /** A bot registered through the admin API, its webhook set on the local Bot API server. */
    private record RegisteredBot(String id, String token, String secret) {
    }

    private static RegisteredBot registeredBot() {
        String id = "tg-" + UUID.randomUUID().toString().substring(0, 8);
        String token = "7" + (int) (Math.random() * 1e6) + ":AAE" + UUID.randomUUID().toString().replace("-", "");
        telegram.registerBot(token, "parley_e2e_bot");
        given().header("Authorization", "Bearer test-admin-token-7f3a9c").contentType(ContentType.JSON)
                .body(Map.of("id", id, "platform", "telegram", "credentials", Map.of("botToken", token),
                        "apiBaseUrl", telegram.baseUrl()))
                .post("/admin/bots").then().statusCode(201);
        given().header("Authorization", "Bearer test-admin-token-7f3a9c").contentType(ContentType.JSON)
                .body(Map.of("publicBaseUrl", "https://parley.example.com"))
                .post("/admin/bots/" + id + "/webhook").then().statusCode(200);
        return new RegisteredBot(id, token, telegram.webhook(token).orElseThrow().secretToken());
    }

    private static List<RecordedCall> awaitCalls(String method, String token, int atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<RecordedCall> calls = List.of();
        while (calls.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
            calls = telegram.calls(method).stream().filter(c -> token.equals(c.token())).toList();
        }
        return calls;
    }

    @Test
    void anUpdateWithTheRightSecretIsEnqueuedAndItsReplyIsSentAsTelegramHtml() throws Exception {
        RegisteredBot bot = registeredBot();
        String id = bot.id();
        String token = bot.token();
        String secret = bot.secret();
        long updateId = System.nanoTime() % 1_000_000_000L;
        String update = fixture("private-text.json", updateId);

        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            given().header("X-Telegram-Bot-Api-Secret-Token", "wrong").contentType(ContentType.JSON).body(update)
                    .post("/webhooks/telegram/" + id).then().statusCode(401);
            given().header("X-Telegram-Bot-Api-Secret-Token", secret).contentType(ContentType.JSON).body("{\"update_id\":")
                    .post("/webhooks/telegram/" + id).then().statusCode(400);
            given().header("X-Telegram-Bot-Api-Secret-Token", secret).contentType(ContentType.JSON)
                    .body("{\"x\":\"" + "a".repeat(1024 * 1024) + "\"}")
                    .post("/webhooks/telegram/" + id).then().statusCode(413);
            given().header("X-Telegram-Bot-Api-Secret-Token", secret).contentType(ContentType.JSON).body(update)
                    .post("/webhooks/telegram/" + id).then().statusCode(200);
            given().header("X-Telegram-Bot-Api-Secret-Token", secret).contentType(ContentType.JSON).body(update)
                    .post("/webhooks/telegram/" + id).then().statusCode(200); // Telegram's redelivery

            List<ChatRequest> written = requests.await(r -> r.value().contains("\"botId\":\"" + id + "\""), 2,
                    Duration.ofSeconds(4)).stream().map(r -> {
                        try {
                            return JSON.readValue(r.value(), ChatRequest.class);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }).toList();
            assertThat(written).as("one request for the update, none for the refused posts").hasSize(1);
            ChatRequest request = written.get(0);
            assertThat(request.route().platform()).isEqualTo(Platform.TELEGRAM);

            ChatReply reply = new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(),
                    request.route(), ReplyKind.FINAL, 0, "**Hello** from Parley & <friends>", "test", null,
                    new ChatReply.Timings(Instant.now(), null, null, null));
            requests.send(Topics.REPLIES, request.conversationId(), reply);
        }

        List<RecordedCall> sends = awaitCalls("sendMessage", token, 1);
        assertThat(sends).hasSize(1);
        RecordedCall send = sends.get(0);
        assertThat(send.parameter("parse_mode")).isEqualToIgnoringCase("HTML"); // telegrambots sends "html"; Telegram ignores case
        assertThat(send.parameter("text")).isEqualTo("<b>Hello</b> from Parley &amp; &lt;friends&gt;");
        assertThat(send.parameter("reply_parameters")).contains("\"message_id\"");
    }

    @Test
    void typingIsShownWhileTheModelWorksAndAStreamedAnswerIsOneMessageEditedInPlace() throws Exception {
        RegisteredBot bot = registeredBot();
        String requestId = "req-" + UUID.randomUUID();
        String conversation = "dm:stream-" + requestId;
        ReplyRoute route = new ReplyRoute(Platform.TELEGRAM, bot.id(), "408258968", null, "154");

        try (KafkaProbe replies = new KafkaProbe(bootstrap, Topics.REPLIES)) {
            replies.send(Topics.REPLIES, conversation, piece(requestId, conversation, route, ReplyKind.TYPING, 0, ""));
            replies.send(Topics.REPLIES, conversation, piece(requestId, conversation, route, ReplyKind.CHUNK, 0,
                    "The answer"));
            assertThat(awaitCalls("sendMessage", bot.token(), 1)).hasSize(1);
            // Pieces may arrive faster than Telegram's one message a second per chat; the final edit is never lost.
            replies.send(Topics.REPLIES, conversation, piece(requestId, conversation, route, ReplyKind.CHUNK, 1,
                    "The answer is"));
            replies.send(Topics.REPLIES, conversation, piece(requestId, conversation, route, ReplyKind.FINAL, 0,
                    "The answer is **42**."));
            // A hint read after its answer (a lagging partition) must not show "typing…" under the answer.
            replies.send(Topics.REPLIES, conversation, piece(requestId, conversation, route, ReplyKind.TYPING, 1, ""));
        }

        List<RecordedCall> edits = awaitCalls("editMessageText", bot.token(), 1);
        assertThat(edits).isNotEmpty();
        RecordedCall posted = awaitCalls("sendMessage", bot.token(), 1).get(0);
        assertThat(posted.parameter("text")).isEqualTo("The answer");
        await().atMost(WAIT).untilAsserted(() -> assertThat(telegram.messageText(bot.token(), "408258968",
                Long.parseLong(edits.get(0).parameter("message_id")))).contains("The answer is <b>42</b>."));
        Thread.sleep(500);
        assertThat(telegram.calls("sendMessage").stream().filter(c -> bot.token().equals(c.token()))).hasSize(1);
        assertThat(telegram.calls("sendChatAction").stream().filter(c -> bot.token().equals(c.token())))
                .singleElement().satisfies(action -> assertThat(action.parameter("action")).isEqualTo("typing"));
    }

    private static ChatReply piece(String requestId, String conversation, ReplyRoute route, ReplyKind kind,
                                   int sequence, String text) {
        return new ChatReply(ChatReply.SCHEMA_VERSION, requestId, conversation, route, kind, sequence, text, "test",
                null, null);
    }
}
