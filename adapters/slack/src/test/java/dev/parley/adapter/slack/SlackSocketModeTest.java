package dev.parley.adapter.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ContractJson;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.SendPermits;
import dev.parley.simulators.SlackWebApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Socket Mode against the local server's WebSocket, with the real SDK opening the connection. */
class SlackSocketModeTest {

    private static final String BOT_TOKEN = "xoxb-1111-2222-socket-test";
    private static final String APP_TOKEN = "xapp-1-A0SOCKET01-1111-socket-test";

    private final SlackWebApiServer slack = SlackWebApiServer.start();
    private final ObjectMapper json = ContractJson.newMapper();
    private final SlackAdapter adapter = new SlackAdapter(json, Clock.systemUTC(), SendPermits.UNLIMITED);
    private final List<InboundMessage> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean listening = new AtomicBoolean(true);

    {
        slack.registerBot(BOT_TOKEN, new SlackWebApiServer.BotUser("T0PARLEY", "Parley", "U0SOCKET", "socketbot",
                "B0SOCKET"));
        slack.registerApp(APP_TOKEN, BOT_TOKEN);
    }

    @AfterEach
    void stop() {
        listening.set(false);
        slack.close();
    }

    private BotProfile bot(Map<String, String> credentials) {
        return new BotProfile("socket", Platform.SLACK, "Socket", credentials, slack.baseUrl());
    }

    private BotProfile socketBot() {
        return bot(Map.of(SlackCredentials.BOT_TOKEN, BOT_TOKEN, SlackCredentials.SIGNING_SECRET, "unused",
                SlackCredentials.APP_TOKEN, APP_TOKEN));
    }

    private static String fixture(String name) {
        try (InputStream in = SlackSocketModeTest.class.getResourceAsStream("/fixtures/slack/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletableFuture<Void> listen(BotProfile bot, BooleanSupplier storeSucceeds) {
        return CompletableFuture.runAsync(() -> {
            try {
                adapter.listen(bot, messages -> {
                    if (!storeSucceeds.getAsBoolean()) {
                        return false;
                    }
                    stored.addAll(messages);
                    return true;
                }, listening::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 15 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void onlyAppsWithAnAppLevelTokenAreReceivedOverSocketMode() {
        assertThat(adapter.listensFor(socketBot())).isTrue();
        assertThat(adapter.listensFor(bot(Map.of(SlackCredentials.BOT_TOKEN, BOT_TOKEN)))).isFalse();
    }

    @Test
    void anEnvelopeIsAcknowledgedOnlyAfterTheEventWasStoredSoAFailedStoreIsRedelivered() throws Exception {
        slack.redeliverUnackedAfter(Duration.ofMillis(500));
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<Void> run = listen(socketBot(), () -> attempts.incrementAndGet() > 1);
        await(() -> slack.connections(APP_TOKEN) == 1);

        String envelope = slack.deliverEvent(APP_TOKEN, fixture("message-im.json"));

        await(() -> slack.acknowledged(envelope));
        assertThat(slack.deliveries(envelope)).isEqualTo(2);
        assertThat(stored).singleElement().satisfies(message -> {
            assertThat(message.platform()).isEqualTo(Platform.SLACK);
            assertThat(message.dedupId()).isNotBlank();
        });
        listening.set(false);
        run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDisconnectEndsTheConnectionSoTheHubOpensAFreshOne() throws Exception {
        CompletableFuture<Void> run = listen(socketBot(), () -> true);
        await(() -> slack.connections(APP_TOKEN) == 1);

        slack.disconnect(APP_TOKEN, "refresh_requested");

        run.get(10, TimeUnit.SECONDS); // returned normally: the hub calls listen again at once
        CompletableFuture<Void> again = listen(socketBot(), () -> true);
        String envelope = slack.deliverEvent(APP_TOKEN, fixture("message-im.json"));
        await(() -> slack.acknowledged(envelope));
        assertThat(stored).hasSize(1);
        listening.set(false);
        again.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBotTokenInPlaceOfTheAppTokenIsRefusedWithSlacksErrorAndNoSecret() {
        BotProfile wrong = bot(Map.of(SlackCredentials.BOT_TOKEN, BOT_TOKEN, SlackCredentials.APP_TOKEN, BOT_TOKEN));

        assertThatThrownBy(() -> adapter.listen(wrong, messages -> true, () -> true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not_allowed_token_type")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(BOT_TOKEN));
    }
}
