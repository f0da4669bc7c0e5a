package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.simulators.TelegramBotApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Long polling against a local server that answers getUpdates the way the Bot API does. */
class TelegramPollingTest {

    private static final String TOKEN = "123456:AAH-polling-test-token";
    private final ObjectMapper json = new ObjectMapper();
    private final TelegramPolling polling = new TelegramPolling(json,
            new TelegramInbound(json, Clock.systemUTC()), new OkHttpClient());
    private TelegramBotApiServer telegram;
    private BotProfile bot;

    @BeforeEach
    void start() {
        telegram = TelegramBotApiServer.start();
        telegram.registerBot(TOKEN, "parley_test_bot");
        bot = new BotProfile("poller", Platform.TELEGRAM, "Poller", Map.of(TelegramCredentials.BOT_TOKEN, TOKEN),
                telegram.baseUrl());
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private static String fixture(String name) {
        try (InputStream in = TelegramPollingTest.class.getResourceAsStream("/fixtures/telegram/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUpdateIsConfirmedOnlyAfterTheSinkStoredItSoAFailedStoreGetsItAgain() throws Exception {
        long updateId = telegram.enqueueUpdate(TOKEN, fixture("private-text.json"));
        List<InboundMessage> stored = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean listening = new AtomicBoolean(true);

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                polling.listen(bot, messages -> {
                    if (attempts.incrementAndGet() == 1) {
                        return false; // Kafka was down: the update must come again
                    }
                    stored.addAll(messages);
                    listening.set(false);
                    return true;
                }, listening::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        run.get(30, TimeUnit.SECONDS);

        assertThat(stored).singleElement().satisfies(message -> {
            assertThat(message.dedupId()).isEqualTo(Long.toString(updateId));
            assertThat(message.text()).isEqualTo("4");
        });
        // Handed out twice (the first store failed), confirmed once stored: nobody gets it a third time.
        assertThat(telegram.deliveries(TOKEN, updateId)).isEqualTo(2);
        assertThat(telegram.pendingUpdates(TOKEN)).isZero();
    }

    @Test
    void aBotWithARegisteredWebhookIsNotPolledAndTelegramsConflictIsAFailureWithoutTheToken() {
        BotProfile withWebhook = new BotProfile("poller", Platform.TELEGRAM, "Poller",
                Map.of(TelegramCredentials.BOT_TOKEN, TOKEN), telegram.baseUrl(), "https://example.org/hook");
        assertThat(TelegramPolling.listensFor(withWebhook)).isFalse();
        assertThat(TelegramPolling.listensFor(bot)).isTrue();

        setWebhook();
        assertThatThrownBy(() -> polling.listen(bot, messages -> true, () -> true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("409")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    private void setWebhook() {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(telegram.baseUrl() + "/bot" + TOKEN
                                    + "/setWebhook?url=https%3A%2F%2Fexample.org%2Fhook")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
