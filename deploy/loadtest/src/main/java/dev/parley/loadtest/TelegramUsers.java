package dev.parley.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.simulators.TelegramBotApiServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Telegram users writing to the harness's bots through signed webhooks ({@code X-Telegram-Bot-Api-Secret-Token}),
 * with Update bodies made from the adapter's fixtures of Telegram's own payloads: a private text message, and a group
 * message whose mention entity names the bot. The bots are registered with the hub like an admin would, pointed at
 * the local Bot API server, whose {@code setWebhook} call hands the harness the secret. Each bot carries at most
 * 20 messages a second, under Telegram's 30 a second per bot.
 */
final class TelegramUsers implements Users {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES_PER_SECOND_PER_BOT = 20;

    private record Bot(String id, String token, String username, String secret) {
    }

    private final TelegramBotApiServer api;
    private volatile Webhooks webhooks;
    private final Audience audience;
    private final ObjectNode privateTemplate;
    private final ObjectNode groupTemplate;
    private final List<Bot> bots = new ArrayList<>();

    TelegramUsers(TelegramBotApiServer api, Webhooks webhooks, Audience audience, Path fixtures) throws IOException {
        this.api = api;
        this.webhooks = webhooks;
        this.audience = audience;
        this.privateTemplate = (ObjectNode) JSON.readTree(Files.readString(fixtures.resolve("private-text.json")));
        this.groupTemplate = (ObjectNode) JSON.readTree(Files.readString(fixtures.resolve("group-mention.json")));
    }

    static int botsFor(double ratePerSecond) {
        return Math.max(1, (int) Math.ceil(ratePerSecond / MESSAGES_PER_SECOND_PER_BOT));
    }

    @Override
    public String platform() {
        return "telegram";
    }

    /** Registers {@code count} bots with the Bot API server and the hub, and their webhooks. */
    void register(AdminApi admin, String runId, int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            String id = "lt-tg-" + runId + "-" + i;
            String token = (700000 + i) + ":AAE" + runId + "loadtest" + i;
            String username = "parley_lt" + runId + "_" + i + "_bot";
            api.registerBot(token, username);
            admin.post("/bots", "{\"id\":\"" + id + "\",\"platform\":\"telegram\",\"credentials\":{\"botToken\":\""
                    + token + "\"},\"apiBaseUrl\":\"" + api.baseUrl() + "\"}");
            admin.post("/bots/" + id + "/webhook", "{\"publicBaseUrl\":\"https://parley.example.com\"}");
            String secret = api.webhook(token).orElseThrow().secretToken();
            bots.add(new Bot(id, token, username, secret));
        }
    }

    @Override
    public void send(Ledger.Message message, String text, Runnable done) {
        Audience.Turn turn = audience.next();
        message.sender = turn.kind() + "-" + turn.id();
        Bot bot = bots.get(Math.floorMod(turn.id(), bots.size()));
        ObjectNode update = turn.kind() == Audience.Kind.GROUP ? groupUpdate(bot, turn.id(), message, text)
                : privateUpdate(turn, message, text);
        Buffer body = Buffer.buffer(update.toString());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
                .add("X-Telegram-Bot-Api-Secret-Token", bot.secret());
        Webhooks.Post post = new Webhooks.Post("/webhooks/telegram/" + bot.id(), headers, body);
        webhooks.deliver(message, () -> post, () -> post, status -> done.run());
    }

    private ObjectNode privateUpdate(Audience.Turn turn, Ledger.Message message, String text) {
        long user = 500_000_000L + (turn.kind() == Audience.Kind.CHATTY ? 10_000_000L : 0) + turn.id();
        ObjectNode update = privateTemplate.deepCopy();
        update.put("update_id", message.seq + 1);
        ObjectNode body = (ObjectNode) update.get("message");
        body.put("message_id", message.seq + 1).put("date", System.currentTimeMillis() / 1000).put("text", text);
        ((ObjectNode) body.get("chat")).put("id", user).put("username", "user" + user);
        ((ObjectNode) body.get("from")).put("id", user).put("username", "user" + user);
        return update;
    }

    private ObjectNode groupUpdate(Bot bot, int group, Ledger.Message message, String text) {
        String mention = "@" + bot.username();
        ObjectNode update = groupTemplate.deepCopy();
        update.put("update_id", message.seq + 1);
        ObjectNode body = (ObjectNode) update.get("message");
        body.put("message_id", message.seq + 1).put("date", System.currentTimeMillis() / 1000)
                .put("text", mention + " " + text);
        ((ObjectNode) body.get("chat")).put("id", -(400_000_000L + group)).put("title", "load group " + group);
        ((ObjectNode) body.get("from")).put("id", 600_000_000L + group * 8L + message.seq % 8);
        body.putArray("entities").addObject().put("offset", 0).put("length", mention.length()).put("type", "mention");
        return update;
    }

    /** Sends to other servers from now on (the ingress scenario's bare endpoint). */
    void sendThrough(Webhooks other) {
        this.webhooks = other;
    }

}
