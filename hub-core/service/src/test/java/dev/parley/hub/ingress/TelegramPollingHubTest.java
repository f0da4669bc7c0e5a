package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.ContractJson;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.simulators.TelegramBotApiServer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Telegram bot without a registered webhook, received by long polling: one node holds the bot's lease and polls,
 * updates reach Kafka and are confirmed to Telegram, a lease taken by another node stops this one, a lease left to
 * expire is claimed back, and registering a webhook ends polling. (Two real nodes failing over: the local stack's
 * end-to-end tests.)
 */
@QuarkusTest
class TelegramPollingHubTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final Path FIXTURES = Path.of("../../adapters/telegram/src/test/resources/fixtures/telegram");
    private static final String ADMIN = "Bearer test-admin-token-7f3a9c";
    private static TelegramBotApiServer telegram;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    InboundListeners listeners;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void startBotApi() {
        telegram = TelegramBotApiServer.start();
    }

    @AfterAll
    static void stopBotApi() {
        telegram.close();
    }

    private static String update(long updateId, String text) throws Exception {
        ObjectNode update = (ObjectNode) JSON.readTree(Files.readString(FIXTURES.resolve("private-text.json")));
        update.put("update_id", updateId);
        ((ObjectNode) update.get("message")).put("text", text);
        return update.toString();
    }

    @Test
    void oneNodePollsUnderALeaseConfirmsAfterKafkaAndGivesWayToAnotherHolderAndToAWebhook() throws Exception {
        String id = "poll-" + UUID.randomUUID().toString().substring(0, 8);
        String token = "8" + (int) (Math.random() * 1e6) + ":AAP" + UUID.randomUUID().toString().replace("-", "");
        telegram.registerBot(token, "parley_polling_bot");
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("id", id, "platform", "telegram", "credentials", Map.of("botToken", token),
                        "apiBaseUrl", telegram.baseUrl()))
                .post("/admin/bots").then().statusCode(201);
        String lease = "parley:listener:" + id;
        long firstUpdate = 700_000_000L + System.nanoTime() % 100_000_000L;

        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.held().contains(id));
        assertThat(redis.value(String.class).get(lease)).isEqualTo("hub-test");

        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            telegram.enqueueUpdate(token, update(firstUpdate, "first by polling " + id));
            assertThat(requests.await(r -> r.value().contains("first by polling " + id), 1, Duration.ofSeconds(15)))
                    .hasSize(1);
            await().atMost(Duration.ofSeconds(15)).until(() -> telegram.pendingUpdates(token) == 0);

            // Another node holds the lease now (this node was cut off from Redis long enough, say): this one stops.
            redis.value(String.class).set(lease, "hub-elsewhere", new SetArgs().px(Duration.ofSeconds(3)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !listeners.held().contains(id));

            // The other node never renews: once its lease expires this node claims it and receives again.
            telegram.enqueueUpdate(token, update(firstUpdate + 1, "second by polling " + id));
            assertThat(requests.await(r -> r.value().contains("second by polling " + id), 1, Duration.ofSeconds(20)))
                    .hasSize(1);
            assertThat(listeners.held()).contains(id);
        }

        // A registered webhook ends polling: Telegram would refuse getUpdates from now on.
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("publicBaseUrl", "https://parley.example.com"))
                .post("/admin/bots/" + id + "/webhook").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !listeners.held().contains(id));
        assertThat(redis.value(String.class).get(lease)).isNull();
    }
}
