package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.TelegramBotApiServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Telegram through the whole stack (two hub nodes, Kafka, the bridge, the model simulator) against a local server
 * that answers like the Bot API: a webhook update answered once, even when Telegram delivers it twice; a forged
 * secret refused; a bot without a webhook received by long polling, and still received after the node polling for
 * it is killed. Runs before the crash tests; brings the killed node back.
 */
@ExtendWith(LocalStack.class)
@Order(Integer.MAX_VALUE - 1)
class TelegramEndToEndIT {

    private static final Path FIXTURES = LocalStack.REPO.resolve("adapters/telegram/src/test/resources/fixtures/telegram");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TelegramBotApiServer telegram;

    @BeforeAll
    static void startBotApi() {
        telegram = TelegramBotApiServer.start();
    }

    @AfterAll
    static void stopBotApi() {
        telegram.close();
    }


    private static String admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = HubHttp.admin(method, path, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
        return response.body();
    }

    private static String newBot(String id, String token) throws Exception {
        telegram.registerBot(token, "parley_" + id.replace('-', '_') + "_bot");
        return admin("POST", "/bots", "{\"id\":\"" + id + "\",\"platform\":\"telegram\",\"credentials\":{\"botToken\":\""
                + token + "\"},\"apiBaseUrl\":\"" + telegram.baseUrl() + "\"}");
    }

    /** The private-text fixture from Telegram's docs, with a fresh update id, chat and text. */
    private static String update(long updateId, long chatId, String text) throws IOException {
        return Files.readString(FIXTURES.resolve("private-text.json"))
                .replace("306197398", Long.toString(updateId))
                .replace("408258968", Long.toString(chatId))
                .replace("\"text\": \"4\"", "\"text\": \"" + text + "\"");
    }

    private static List<RecordedCall> calls(String method, String token) {
        return telegram.calls(method).stream().filter(c -> token.equals(c.token())).toList();
    }


    private static String token() {
        return (100000 + (int) (Math.random() * 899999)) + ":AAE" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aWebhookUpdateIsAnsweredOnceByTheModelAndAForgedSecretIsRefused() throws Exception {
        String id = "tg-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        String token = token();
        newBot(id, token);
        admin("POST", "/bots/" + id + "/webhook", "{\"publicBaseUrl\":\"https://parley.example.com\"}");
        String secret = telegram.webhook(token).orElseThrow().secretToken();
        long chat = 500_000_000L + System.nanoTime() % 100_000_000L;
        String update = update(chat, chat, "hello from telegram");

        HttpResponse<String> forged = HubHttp.call("POST", LocalStack.hubUrl(2) + "/webhooks/telegram/" + id, update,
                "X-Telegram-Bot-Api-Secret-Token", "not-the-secret");
        assertThat(forged.statusCode()).isEqualTo(401);
        // Telegram delivers again when its first call timed out: once to each node, say.
        assertThat(HubHttp.call("POST", LocalStack.hubUrl(1) + "/webhooks/telegram/" + id, update,
                "X-Telegram-Bot-Api-Secret-Token", secret).statusCode()).isEqualTo(200);
        assertThat(HubHttp.call("POST", LocalStack.hubUrl(2) + "/webhooks/telegram/" + id, update,
                "X-Telegram-Bot-Api-Secret-Token", secret).statusCode()).isEqualTo(200);

        HubHttp.await(() -> !calls("sendMessage", token).isEmpty(), WAIT, "the model's answer sent to Telegram");
        Thread.sleep(2000); // a second answer would be on its way now
        List<RecordedCall> sends = calls("sendMessage", token);
        assertThat(sends).hasSize(1);
        assertThat(sends.get(0).parameter("chat_id")).isEqualTo(Long.toString(chat));
        assertThat(sends.get(0).parameter("text")).contains("Parley model simulator", "hello from telegram");
        assertThat(calls("sendChatAction", token)).as("typing while the model works").isNotEmpty()
                .allSatisfy(action -> assertThat(action.parameter("action")).isEqualTo("typing"));
    }

    @Test
    void aBotWithoutWebhookIsPolledByOneNodeAndAnotherTakesOverWhenThatNodeIsKilled() throws Exception {
        String id = "tg-poll-" + UUID.randomUUID().toString().substring(0, 6);
        String token = token();
        newBot(id, token);
        long chat = 600_000_000L + System.nanoTime() % 100_000_000L;

        telegram.enqueueUpdate(token, update(chat, chat, "polled question one"));
        HubHttp.await(() -> calls("sendMessage", token).size() == 1, WAIT, "the answer to the polled update");
        int holder = HubHttp.listensFor(1, id) ? 1 : 2;
        assertThat(HubHttp.listensFor(holder, id)).isTrue();
        assertThat(HubHttp.listensFor(3 - holder, id)).as("one node polls, not both").isFalse();

        LocalStack.kill("hub-" + holder);
        long killed = System.nanoTime();
        telegram.enqueueUpdate(token, update(chat + 1, chat, "polled question two"));
        try {
            HubHttp.await(() -> calls("sendMessage", token).size() == 2, WAIT, "the answer after the polling node died");
            long seconds = Duration.ofNanos(System.nanoTime() - killed).toMillis() / 1000;
            String report = "telegram polling failover: hub-" + holder + " killed, next update answered by the other "
                    + "node after " + seconds + " s\n";
            System.out.print(report);
            Files.writeString(Path.of("target/telegram-failover.txt"), report);
            assertThat(calls("sendMessage", token).get(1).parameter("text")).contains("polled question two");
            assertThat(HubHttp.listensFor(3 - holder, id)).isTrue();
        } finally {
            LocalStack.up();
        }
    }

}
