package dev.parley.hub.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.parley.simulators.SlackWebApiServer;
import dev.parley.simulators.TelegramBotApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin API against real Infinispan, with the real telegrambots and Slack SDK clients talking to local servers
 * that answer like the platforms. The last test reads the whole log this run wrote and fails on any secret in it.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {

    private static final String ADMIN = "test-admin-token-7f3a9c";
    private static final String VIEWER = "test-viewer-token-2b8e41";
    /** Every secret this class hands to Parley, or Parley makes; none may show up in a response or a log. */
    private static final List<String> SECRETS = new ArrayList<>();

    private static TelegramBotApiServer telegram;
    private static SlackWebApiServer slack;

    @BeforeAll
    static void startPlatforms() {
        telegram = TelegramBotApiServer.start();
        slack = SlackWebApiServer.start();
    }

    @AfterAll
    static void stopPlatforms() {
        telegram.close();
        slack.close();
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String telegramToken() {
        String token = (100000 + (int) (Math.random() * 800000)) + ":AAH" + UUID.randomUUID().toString().replace("-", "");
        SECRETS.add(token);
        telegram.registerBot(token, "parley_test_bot");
        return token;
    }

    private static String createTelegramBot(String id, String token) {
        return as(ADMIN).body(Map.of("id", id, "platform", "telegram", "displayName", "Support",
                        "credentials", Map.of("botToken", token), "apiBaseUrl", telegram.baseUrl()))
                .post("/admin/bots").then().statusCode(201).extract().asString();
    }

    @Test
    @Order(1)
    void anAdminCreatesReadsChangesAndRemovesABotWithoutEverSeeingASecret() {
        String id = newId("crud");
        String token = telegramToken();

        String created = createTelegramBot(id, token);
        assertThat(created).doesNotContain(token).contains("\"present\":true", "\"fingerprint\"");

        as(VIEWER).get("/admin/bots/" + id).then().statusCode(200)
                .body("platform", equalTo("telegram"))
                .body("credentials.botToken.present", equalTo(true))
                .body("credentials.botToken.fingerprint", notNullValue())
                .body("missingCredentials.size()", equalTo(0));
        as(VIEWER).get("/admin/bots").then().statusCode(200).body("id", hasItem(id));

        String newToken = telegramToken();
        String before = as(VIEWER).get("/admin/bots/" + id).then().extract().path("credentials.botToken.fingerprint");
        Response changed = as(ADMIN).body(Map.of("displayName", "Support 2", "credentials", Map.of("botToken", newToken),
                "policy", Map.of("directMessages", "allowlist", "allowlist", List.of("42"))))
                .patch("/admin/bots/" + id);
        changed.then().statusCode(200).body("displayName", equalTo("Support 2"))
                .body("policy.directMessages", equalTo("allowlist"));
        assertThat(changed.asString()).doesNotContain(newToken);
        assertThat(changed.<String>path("credentials.botToken.fingerprint")).isNotEqualTo(before);

        as(ADMIN).delete("/admin/bots/" + id).then().statusCode(204);
        as(VIEWER).get("/admin/bots/" + id).then().statusCode(404).body("error", containsString(id));
    }

    @Test
    @Order(2)
    void badRequestsNameTheFieldAndUnknownOrDuplicateBotsAreRefused() {
        as(ADMIN).body(Map.of("id", "Bad Id!", "platform", "telegram")).post("/admin/bots")
                .then().statusCode(400).body("error", containsString("id must be"));
        as(ADMIN).body(Map.of("id", newId("p"), "platform", "myspace")).post("/admin/bots")
                .then().statusCode(400).body("error", containsString("platform must be one of"));
        as(ADMIN).body(Map.of("id", newId("p"), "platform", "slack", "credentials", Map.of("botToken", "xoxb-1")))
                .post("/admin/bots").then().statusCode(400)
                .body("error", equalTo("credentials.signingSecret is required for a slack bot"));
        as(ADMIN).body(Map.of("id", newId("p"), "platform", "telegram",
                        "credentials", Map.of("botToken", "1:x", "password", "y")))
                .post("/admin/bots").then().statusCode(400).body("error", containsString("credentials.password"));
        as(ADMIN).body("{\"id\": ").post("/admin/bots").then().statusCode(400)
                .body("error", containsString("not valid JSON"));
        as(VIEWER).get("/admin/bots/no-such-bot").then().statusCode(404);

        String id = newId("dup");
        createTelegramBot(id, telegramToken());
        as(ADMIN).body(Map.of("id", id, "platform", "telegram", "credentials", Map.of("botToken", "2:y")))
                .post("/admin/bots").then().statusCode(409);
        as(ADMIN).delete("/admin/bots/" + id).then().statusCode(204);
    }

    @Test
    @Order(3)
    void onlyTokenHoldersGetInAndViewersCannotWrite() {
        given().get("/admin/bots").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").get("/admin/bots").then().statusCode(401);
        as(VIEWER).body(Map.of("id", newId("v"), "platform", "telegram")).post("/admin/bots").then().statusCode(403);
        as(VIEWER).delete("/admin/bots/anything").then().statusCode(403);
    }

    @Test
    @Order(4)
    void telegramWebhookIsRegisteredInspectedRotatedAndRemovedThroughTheBotApi() {
        String id = newId("tg");
        String token = telegramToken();
        createTelegramBot(id, token);

        Map<String, Object> registered = as(ADMIN).body(Map.of("publicBaseUrl", "https://parley.example.com/"))
                .post("/admin/bots/" + id + "/webhook").then().statusCode(200).extract().as(Map.class);
        String url = "https://parley.example.com/webhooks/telegram/" + id;
        assertThat(registered).containsEntry("url", url);
        TelegramBotApiServer.Webhook webhook = telegram.webhook(token).orElseThrow();
        assertThat(webhook.url()).isEqualTo(url);
        assertThat(webhook.secretToken()).matches("[A-Za-z0-9_-]{43}");
        assertThat(webhook.allowedUpdates()).contains("message", "edited_message");
        SECRETS.add(webhook.secretToken());
        as(VIEWER).get("/admin/bots/" + id).then().body("credentials.webhookSecret.present", equalTo(true));

        telegram.setPendingUpdateCount(token, 3);
        telegram.setLastWebhookError(token, java.time.Instant.parse("2026-11-23T08:00:00Z"), "Connection refused");
        as(VIEWER).get("/admin/bots/" + id + "/webhook").then().statusCode(200)
                .body("webhookUrl", equalTo(url))
                .body("platform.url", equalTo(url))
                .body("platform.pendingUpdateCount", equalTo(3))
                .body("platform.lastErrorMessage", equalTo("Connection refused"));

        String firstSecret = webhook.secretToken();
        as(ADMIN).post("/admin/bots/" + id + "/rotate").then().statusCode(200);
        String rotated = telegram.webhook(token).orElseThrow().secretToken();
        SECRETS.add(rotated);
        assertThat(rotated).isNotEqualTo(firstSecret).matches("[A-Za-z0-9_-]{43}");

        as(ADMIN).delete("/admin/bots/" + id + "/webhook").then().statusCode(200);
        assertThat(telegram.webhook(token)).isEmpty();
        as(ADMIN).delete("/admin/bots/" + id).then().statusCode(204);
    }

    @Test
    @Order(5)
    void aPlatformThatRefusesTheRegistrationGives502WithItsOwnWords() {
        String id = newId("tg-refused");
        createTelegramBot(id, telegramToken());

        as(ADMIN).body(Map.of("publicBaseUrl", "http://insecure.example.com"))
                .post("/admin/bots/" + id + "/webhook").then().statusCode(502)
                .body("error", containsString("An HTTPS URL must be provided for webhook"));
        as(ADMIN).delete("/admin/bots/" + id).then().statusCode(204);
    }

    @Test
    @Order(6)
    void slackTokenIsCheckedWithAuthTestAndTheRequestUrlIsReturned() {
        String id = newId("slack");
        String botToken = "xoxb-" + UUID.randomUUID();
        String signingSecret = UUID.randomUUID().toString().replace("-", "");
        SECRETS.add(botToken);
        SECRETS.add(signingSecret);
        slack.registerBot(botToken, new SlackWebApiServer.BotUser("T0001", "acme", "U0BOT", "parley", "B0001"));
        as(ADMIN).body(Map.of("id", id, "platform", "slack", "apiBaseUrl", slack.baseUrl(),
                "credentials", Map.of("botToken", botToken, "signingSecret", signingSecret)))
                .post("/admin/bots").then().statusCode(201);

        as(ADMIN).body(Map.of("publicBaseUrl", "https://parley.example.com"))
                .post("/admin/bots/" + id + "/webhook").then().statusCode(200)
                .body("requestUrl", equalTo("https://parley.example.com/webhooks/slack/" + id))
                .body("botUserId", equalTo("U0BOT"));
        assertThat(slack.calls("auth.test")).isNotEmpty().allSatisfy(c -> assertThat(c.token()).isEqualTo(botToken));
        as(ADMIN).post("/admin/bots/" + id + "/rotate").then().statusCode(400)
                .body("error", containsString("hands out its own secrets"));

        slack.failNext("auth.test", "invalid_auth");
        as(VIEWER).get("/admin/bots/" + id + "/webhook").then().statusCode(502)
                .body("error", containsString("invalid_auth"));
        as(ADMIN).delete("/admin/bots/" + id).then().statusCode(204);
    }

    @Test
    @Order(7)
    void everyChangeIsInTheAuditTrailWithoutSecrets() {
        Response audit = as(VIEWER).get("/admin/audit?limit=200");
        audit.then().statusCode(200)
                .body("action", hasItem("bot.create"))
                .body("action", hasItem("webhook.register"))
                .body("action", hasItem("secret.rotate"))
                .body("actor", hasItem("test-admin"));
        SECRETS.forEach(secret -> assertThat(audit.asString()).doesNotContain(secret));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noSecretUsedInThisRunAppearsInTheLog() throws Exception {
        String log = Files.readString(Path.of("target/hub-test.log"), StandardCharsets.UTF_8);
        assertThat(log).as("the test log was written").isNotEmpty();
        assertThat(SECRETS).isNotEmpty();
        for (String secret : SECRETS) {
            assertThat(log).doesNotContain(secret);
        }
        assertThat(log).doesNotContain(ADMIN, VIEWER);
    }
}
