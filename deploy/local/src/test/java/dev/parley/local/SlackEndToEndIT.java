package dev.parley.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.SlackWebApiServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slack through the whole stack (two hub nodes, Kafka, the bridge, the model simulator) against a local server that
 * answers like the Web API and Socket Mode: a signed DM event answered once in its thread, however often Slack
 * retries it; a stale signature refused; an app on Socket Mode still answered after the node holding its
 * connection is killed. Runs before the crash tests; brings the killed node back.
 */
@ExtendWith(LocalStack.class)
@Order(Integer.MAX_VALUE - 2)
class SlackEndToEndIT {

    private static final Path FIXTURES = LocalStack.REPO.resolve("adapters/slack/src/test/resources/fixtures/slack");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SIGNING_SECRET = "e2e-slack-signing-secret";
    private static SlackWebApiServer slack;

    @BeforeAll
    static void startWebApi() {
        slack = SlackWebApiServer.start();
    }

    @AfterAll
    static void stopWebApi() {
        slack.close();
    }


    private static void newApp(String id, String botToken, String appToken) throws Exception {
        slack.registerBot(botToken, new SlackWebApiServer.BotUser("T0E2E", "E2E", "U0" + Math.abs(id.hashCode()),
                id, "B0" + Math.abs(id.hashCode())));
        String credentials = "\"botToken\":\"" + botToken + "\",\"signingSecret\":\"" + SIGNING_SECRET + "\""
                + (appToken == null ? "" : ",\"appToken\":\"" + appToken + "\"");
        HttpResponse<String> created = HubHttp.admin("POST", "/bots",
                "{\"id\":\"" + id + "\",\"platform\":\"slack\",\"credentials\":{" + credentials
                        + "},\"apiBaseUrl\":\"" + slack.baseUrl() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** A DM thread reply from Slack's own SDK tests, with a fresh event id and text. */
    private static String threadQuestion(String eventId, String text) throws IOException {
        return Files.readString(FIXTURES.resolve("message-im-thread-reply.json"))
                .replace("\"Ev111\"", "\"" + eventId + "\"")
                .replace("When Slack was released?", text);
    }

    private static String signature(long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(UTF_8), "HmacSHA256"));
        return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(UTF_8)));
    }

    private static int postEvent(int node, String id, String body, long timestamp, String... extraHeaders)
            throws Exception {
        String[] headers = new String[4 + extraHeaders.length];
        headers[0] = "X-Slack-Request-Timestamp";
        headers[1] = Long.toString(timestamp);
        headers[2] = "X-Slack-Signature";
        headers[3] = signature(timestamp, body);
        System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
        return HubHttp.call("POST", LocalStack.hubUrl(node) + "/webhooks/slack/" + id, body, headers).statusCode();
    }

    private static List<RecordedCall> posts(String token) {
        return slack.calls("chat.postMessage").stream().filter(c -> token.equals(c.token())).toList();
    }


    @Test
    void aSignedDirectMessageIsAnsweredOnceInItsThreadAndAStaleSignatureIsRefused() throws Exception {
        String id = "sl-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        String token = "xoxb-" + id;
        newApp(id, token, null);
        String body = threadQuestion("Ev" + id, "hello from slack " + id);
        long now = Instant.now().getEpochSecond();

        assertThat(postEvent(2, id, body, now - 360)).as("stale timestamp").isEqualTo(401);
        assertThat(postEvent(1, id, body, now)).isEqualTo(200);
        // Slack retries when the first answer was slow, to any node; the retry is acknowledged, not answered again.
        assertThat(postEvent(2, id, body, now + 1, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason",
                "http_timeout")).isEqualTo(200);

        HubHttp.await(() -> !posts(token).isEmpty(), WAIT, "the model's answer posted to Slack");
        Thread.sleep(2000); // a second answer would be on its way now
        assertThat(posts(token)).singleElement().satisfies(post -> {
            assertThat(post.parameter("channel")).isEqualTo("D111");
            assertThat(post.parameter("thread_ts")).isEqualTo("1726133698.626339");
            assertThat(post.parameter("text")).contains("Parley model simulator", "hello from slack " + id);
        });
    }

    @Test
    void anAppOnSocketModeIsAnsweredAndAnotherNodeTakesOverWhenItsNodeIsKilled() throws Exception {
        String id = "sm-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        String botToken = "xoxb-" + id;
        String appToken = "xapp-1-A0E2E" + Math.abs(id.hashCode() % 100000) + "-" + id;
        slack.registerApp(appToken, botToken);
        newApp(id, botToken, appToken);

        HubHttp.await(() -> slack.connections(appToken) == 1, WAIT, "a Socket Mode connection from one hub node");
        slack.deliverEvent(appToken, threadQuestion("Ev1" + id, "socket question one"));
        HubHttp.await(() -> posts(botToken).size() == 1, WAIT, "the answer to the Socket Mode event");
        int holder = HubHttp.listensFor(1, id) ? 1 : 2;
        assertThat(HubHttp.listensFor(3 - holder, id)).as("one node holds the connection, not both").isFalse();

        LocalStack.kill("hub-" + holder);
        long killed = System.nanoTime();
        try {
            HubHttp.await(() -> slack.connections(appToken) == 1 && HubHttp.listensFor(3 - holder, id), WAIT,
                    "the other node connected");
            slack.deliverEvent(appToken, threadQuestion("Ev2" + id, "socket question two"));
            HubHttp.await(() -> posts(botToken).size() == 2, WAIT, "the answer after the connected node died");
            String report = "slack socket mode failover: hub-" + holder + " killed, next event answered by the other "
                    + "node after " + Duration.ofNanos(System.nanoTime() - killed).toSeconds() + " s\n";
            System.out.print(report);
            Files.writeString(Path.of("target/slack-failover.txt"), report);
            assertThat(posts(botToken).get(1).parameter("text")).contains("socket question two");
        } finally {
            LocalStack.up();
        }
    }


}
