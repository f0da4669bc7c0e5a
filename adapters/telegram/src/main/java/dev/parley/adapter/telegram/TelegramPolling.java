package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundSink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * Telegram's inbound room for bots without a public URL: long polling with {@code getUpdates}. Telegram keeps the
 * offset itself: an update is confirmed (and never sent again) only by the next call with a higher offset, and
 * that call is made only after the sink stored the batch on Kafka. A node that dies between the two leaves the
 * batch unconfirmed; whoever polls next gets it again and the hub's dedup on {@code update_id} drops the copies.
 *
 * <p>The raw JSON of each update goes through {@link TelegramInbound#parse}, the same parser as webhook calls, so
 * both ways in read updates identically (telegrambots' {@code GetUpdates} would hand over re-built objects).
 */
final class TelegramPolling {

    /** Telegram holds an empty poll this long; also the longest the hub waits to see a lost lease acted on. */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(10);

    private static final MediaType JSON = MediaType.get("application/json");

    private final ObjectMapper json;
    private final TelegramInbound inbound;
    private final OkHttpClient http;

    TelegramPolling(ObjectMapper json, TelegramInbound inbound, OkHttpClient http) {
        this.json = json;
        this.inbound = inbound;
        // A poll is an HTTP call held open for POLL_TIMEOUT: the client must wait longer than that for the answer.
        this.http = http.newBuilder().readTimeout(POLL_TIMEOUT.plusSeconds(15)).build();
    }

    /** Receivable this way while no webhook is registered: Telegram refuses getUpdates (409) while one is set. */
    static boolean listensFor(BotProfile bot) {
        String token = bot.credential(BOT_TOKEN);
        return bot.webhookUrl() == null && token != null && !token.isBlank();
    }

    void listen(BotProfile bot, InboundSink sink, BooleanSupplier keepListening) throws IOException,
            InterruptedException {
        TelegramUrl botApi = TelegramRegistration.botApiUrl(bot.apiBaseUrl())
                .orElseThrow(() -> new IOException("the bot's apiBaseUrl is not scheme://host[:port]"));
        String url = botApi.getSchema() + "://" + botApi.getHost() + ":" + botApi.getPort() + "/bot"
                + bot.credential(BOT_TOKEN) + "/getUpdates";
        long offset = 0; // 0: from the oldest update Telegram has not had confirmed
        while (keepListening.getAsBoolean()) {
            JsonNode updates = poll(bot, url, offset, POLL_TIMEOUT);
            List<InboundMessage> messages = new ArrayList<>();
            long next = offset;
            for (JsonNode update : updates) {
                next = Math.max(next, update.path("update_id").asLong() + 1);
                // An update Parley cannot read is skipped, not retried: Telegram would hand it over forever.
                if (inbound.parse(bot, json.writeValueAsBytes(update)) instanceof InboundOutcome.Accepted accepted) {
                    messages.addAll(accepted.messages());
                }
            }
            if (messages.isEmpty() || sink.store(messages)) {
                offset = next;
            } else {
                Thread.sleep(1000); // not stored: ask for the same updates again, a little later
            }
        }
        if (offset > 0) {
            // Confirm the last stored batch now rather than leave it to the next owner, who would receive it again.
            poll(bot, url, offset, Duration.ZERO);
        }
    }

    private JsonNode poll(BotProfile bot, String url, long offset, Duration timeout) throws IOException,
            InterruptedException {
        byte[] body = json.writeValueAsBytes(json.createObjectNode()
                .put("offset", offset)
                .put("timeout", timeout.toSeconds()));
        Request request = new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build();
        try (Response response = http.newCall(request).execute()) {
            JsonNode answer = json.readTree(response.body().bytes());
            if (answer.path("ok").asBoolean(false)) {
                return answer.path("result");
            }
            int retryAfter = answer.path("parameters").path("retry_after").asInt(0);
            if (retryAfter > 0) {
                Thread.sleep(Duration.ofSeconds(retryAfter).toMillis());
                return json.createArrayNode();
            }
            throw new IOException("getUpdates: " + TelegramRegistration.withoutSecrets(
                    answer.path("error_code").asInt(response.code()) + " "
                            + answer.path("description").asText("no description"), bot));
        } catch (IOException e) {
            // OkHttp puts the URL, token included, into some of its messages.
            throw new IOException(TelegramRegistration.withoutSecrets(String.valueOf(e.getMessage()), bot));
        }
    }
}
