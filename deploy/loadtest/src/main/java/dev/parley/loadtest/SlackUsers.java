package dev.parley.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.simulators.SlackWebApiServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack users writing to the harness's apps through the Events API: direct messages (the {@code message.im} payload
 * from Slack's SDK tests) and channel mentions ({@code app_mention}), each signed with the app's signing secret
 * ({@code X-Slack-Signature} v0 over timestamp and raw body). A redelivery carries the same {@code event_id} with
 * {@code X-Slack-Retry-Num: 1}, as Slack retries an event it saw no acknowledgement for.
 */
final class SlackUsers implements Users {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES_PER_SECOND_PER_APP = 100;
    private static final String TEAM = "T0LOAD";

    private record App(String id, String token, String signingSecret, String botUserId) {
    }

    private final SlackWebApiServer api;
    private final Webhooks webhooks;
    private final Audience audience;
    private final ObjectNode directTemplate;
    private final ObjectNode mentionTemplate;
    private final List<App> apps = new ArrayList<>();

    SlackUsers(SlackWebApiServer api, Webhooks webhooks, Audience audience, Path fixtures) throws IOException {
        this.api = api;
        this.webhooks = webhooks;
        this.audience = audience;
        this.directTemplate = (ObjectNode) JSON.readTree(Files.readString(fixtures.resolve("message-im.json")));
        this.mentionTemplate = (ObjectNode) JSON.readTree(Files.readString(fixtures.resolve("app-mention.json")));
    }

    static int appsFor(double ratePerSecond) {
        return Math.max(1, (int) Math.ceil(ratePerSecond / MESSAGES_PER_SECOND_PER_APP));
    }

    @Override
    public String platform() {
        return "slack";
    }

    void register(AdminApi admin, String runId, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            String id = "lt-sl-" + runId + "-" + i;
            String token = "xoxb-lt-" + runId + "-" + i;
            String secret = "loadtest-signing-secret-" + runId + "-" + i;
            String botUser = "U0LTBOT" + i;
            api.registerBot(token, new SlackWebApiServer.BotUser(TEAM, "Load", botUser, id, "B0LT" + i));
            admin.post("/bots", "{\"id\":\"" + id + "\",\"platform\":\"slack\",\"credentials\":{\"botToken\":\""
                    + token + "\",\"signingSecret\":\"" + secret + "\"},\"apiBaseUrl\":\"" + api.baseUrl() + "\"}");
            // auth.test through the hub: it learns the bot's own user id (mentions, its own messages).
            admin.post("/bots/" + id + "/webhook", "{\"publicBaseUrl\":\"https://parley.example.com\"}");
            apps.add(new App(id, token, secret, botUser));
        }
    }

    @Override
    public void send(Ledger.Message message, String text, Runnable done) {
        Audience.Turn turn = audience.next();
        message.sender = turn.kind() + "-" + turn.id();
        App app = apps.get(Math.floorMod(turn.id(), apps.size()));
        String ts = (1_700_000_000L + message.seq) + ".000100";
        ObjectNode envelope = turn.kind() == Audience.Kind.GROUP ? mention(app, turn.id(), ts, message, text)
                : direct(app, turn, ts, message, text);
        byte[] body = envelope.toString().getBytes(UTF_8);
        String path = "/webhooks/slack/" + app.id();
        webhooks.deliver(message, signed(app, path, body, false), signed(app, path, body, true), status -> done.run());
    }

    private ObjectNode direct(App app, Audience.Turn turn, String ts, Ledger.Message message, String text) {
        String user = (turn.kind() == Audience.Kind.CHATTY ? "U0LTC" : "U0LTU") + turn.id();
        ObjectNode envelope = envelope(directTemplate, app, message);
        ObjectNode event = (ObjectNode) envelope.get("event");
        event.remove("blocks");
        event.put("text", text).put("user", user).put("team", TEAM).put("ts", ts).put("event_ts", ts)
                .put("channel", "D" + user.substring(1)).put("client_msg_id", "lt-" + message.seq);
        ((ObjectNode) envelope.get("authorizations").get(0)).put("team_id", TEAM).put("user_id", app.botUserId());
        return envelope;
    }

    private ObjectNode mention(App app, int channel, String ts, Ledger.Message message, String text) {
        ObjectNode envelope = envelope(mentionTemplate, app, message);
        envelope.remove("enterprise_id");
        envelope.putArray("authed_users").add(app.botUserId());
        ObjectNode event = (ObjectNode) envelope.get("event");
        event.put("text", "<@" + app.botUserId() + "> " + text).put("user", "U0LTG" + channel + "x" + message.seq % 8)
                .put("team", TEAM).put("ts", ts).put("event_ts", ts).put("channel", "C0LT" + channel)
                .put("client_msg_id", "lt-" + message.seq);
        return envelope;
    }

    private static ObjectNode envelope(ObjectNode template, App app, Ledger.Message message) {
        ObjectNode envelope = template.deepCopy();
        envelope.put("team_id", TEAM).put("api_app_id", "A0LT" + app.id().hashCode())
                .put("event_id", "Ev0LT" + message.seq).put("event_time", System.currentTimeMillis() / 1000);
        return envelope;
    }

    /** The request as Slack sends it at the moment of the attempt: signed with the current timestamp. */
    private static Supplier<Webhooks.Post> signed(App app, String path, byte[] body, boolean retry) {
        return () -> {
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
                    .add("X-Slack-Request-Timestamp", timestamp)
                    .add("X-Slack-Signature", signature(app.signingSecret(), timestamp, body));
            if (retry) {
                headers.add("X-Slack-Retry-Num", "1").add("X-Slack-Retry-Reason", "http_timeout");
            }
            return new Webhooks.Post(path, headers, Buffer.buffer(body));
        };
    }

    static String signature(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

}
