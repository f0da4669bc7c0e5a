package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
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

    @Test
    void anUpdateWithTheRightSecretIsEnqueuedAndItsReplyIsSentAsTelegramHtml() throws Exception {
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
        String secret = telegram.webhook(token).orElseThrow().secretToken();
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

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<RecordedCall> sends = List.of();
        while (sends.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            sends = telegram.calls("sendMessage").stream().filter(c -> token.equals(c.token())).toList();
        }
        assertThat(sends).hasSize(1);
        RecordedCall send = sends.get(0);
        assertThat(send.parameter("parse_mode")).isEqualToIgnoringCase("HTML"); // telegrambots sends "html"; Telegram ignores case
        assertThat(send.parameter("text")).isEqualTo("<b>Hello</b> from Parley &amp; &lt;friends&gt;");
        assertThat(send.parameter("reply_parameters")).contains("\"message_id\"");
    }
}
