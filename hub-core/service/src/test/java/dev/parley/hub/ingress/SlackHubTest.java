package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.SlackWebApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slack apps through the hub against a local Web API server: a signed Events API call enqueued once however often
 * Slack retries it, stale and forged signatures refused, the reply posted with the real SDK; and an app with an
 * app-level token received over Socket Mode by the node holding its lease.
 */
@QuarkusTest
class SlackHubTest {

    private static final ObjectMapper JSON = ContractJson.newMapper();
    private static final Path FIXTURES = Path.of("../../adapters/slack/src/test/resources/fixtures/slack");
    private static final String ADMIN = "Bearer test-admin-token-7f3a9c";
    private static final String SIGNING_SECRET = "hub-test-signing-secret";
    private static SlackWebApiServer slack;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    InboundListeners listeners;

    @BeforeAll
    static void startWebApi() {
        slack = SlackWebApiServer.start();
    }

    @AfterAll
    static void stopWebApi() {
        slack.close();
    }

    private static String newApp(String id, Map<String, String> credentials) {
        String botToken = credentials.get("botToken");
        slack.registerBot(botToken, new SlackWebApiServer.BotUser("T0HUB", "Hub test", "U0" + id.hashCode(), id,
                "B0" + id.hashCode()));
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("id", id, "platform", "slack", "credentials", credentials, "apiBaseUrl", slack.baseUrl()))
                .post("/admin/bots").then().statusCode(201);
        return botToken;
    }

    /** Slack's DM fixture with its own event id and text, so the hub's day-long dedup memory does not interfere. */
    private static String directMessage(String eventId, String text) throws Exception {
        ObjectNode envelope = (ObjectNode) JSON.readTree(Files.readString(FIXTURES.resolve("message-im.json")));
        envelope.put("event_id", eventId);
        ((ObjectNode) envelope.get("event")).put("text", text);
        return envelope.toString();
    }

    private static String signature(String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(UTF_8), "HmacSHA256"));
        return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(UTF_8)));
    }

    private static int post(String id, String body, long timestamp, String signature, String retryNum) {
        var request = given().contentType(ContentType.JSON).body(body)
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature);
        if (retryNum != null) {
            request.header("X-Slack-Retry-Num", retryNum).header("X-Slack-Retry-Reason", "http_timeout");
        }
        return request.post("/webhooks/slack/" + id).then().extract().statusCode();
    }

    @Test
    void aSignedEventIsEnqueuedOnceAcrossRetriesAndItsReplyIsPostedAsMrkdwn() throws Exception {
        String id = "sl-" + UUID.randomUUID().toString().substring(0, 8);
        String token = newApp(id, Map.of("botToken", "xoxb-" + id, "signingSecret", SIGNING_SECRET));
        String text = "question over events api " + id;
        String body = directMessage("Ev" + id, text);
        long now = Instant.now().getEpochSecond();

        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            assertThat(post(id, body, now, signature(Long.toString(now), body), null)).isEqualTo(200);
            assertThat(post(id, body, now, signature(Long.toString(now), body), "1")).isEqualTo(200);
            long stale = now - 301;
            assertThat(post(id, body, stale, signature(Long.toString(stale), body), null)).isEqualTo(401);
            assertThat(post(id, body, now, signature(Long.toString(now), body + " "), null)).isEqualTo(401);
            assertThat(post(id, "{\"type\":", now, signature(Long.toString(now), "{\"type\":"), null)).isEqualTo(400);

            List<ChatRequest> written = requests.await(r -> r.value().contains(text), 2, Duration.ofSeconds(4))
                    .stream().map(r -> {
                        try {
                            return JSON.readValue(r.value(), ChatRequest.class);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }).toList();
            assertThat(written).as("one request however often Slack retries").hasSize(1);
            ChatRequest request = written.get(0);
            requests.send(Topics.REPLIES, request.conversationId(), new ChatReply(ChatReply.SCHEMA_VERSION,
                    request.requestId(), request.conversationId(), request.route(), ReplyKind.FINAL, 0,
                    "**Hello** from [Parley](https://parley.example.com) & co", "test", null, null));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> posts(token).size() == 1);
        RecordedCall post = posts(token).get(0);
        assertThat(post.parameter("channel")).isEqualTo("D0442US94JD");
        assertThat(post.parameter("text")).isEqualTo("*Hello* from <https://parley.example.com|Parley> &amp; co");
    }

    private static List<RecordedCall> posts(String token) {
        return slack.calls("chat.postMessage").stream().filter(c -> token.equals(c.token())).toList();
    }

    @Test
    void anAppWithAnAppLevelTokenIsReceivedOverSocketModeByTheLeaseHolder() throws Exception {
        String id = "sm-" + UUID.randomUUID().toString().substring(0, 8);
        String appToken = "xapp-1-A0" + Math.abs(id.hashCode()) + "-" + id;
        String botToken = "xoxb-" + id;
        slack.registerApp(appToken, botToken);
        newApp(id, Map.of("botToken", botToken, "signingSecret", SIGNING_SECRET, "appToken", appToken));
        await().atMost(Duration.ofSeconds(10)).until(() -> listeners.held().contains(id)
                && slack.connections(appToken) == 1);

        String text = "question over socket mode " + id;
        try (KafkaProbe requests = new KafkaProbe(bootstrap, Topics.REQUESTS)) {
            String envelope = slack.deliverEvent(appToken, directMessage("Ev" + id, text));
            assertThat(requests.await(r -> r.value().contains(text), 1, Duration.ofSeconds(10))).hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.acknowledged(envelope));
        }
    }
}
