package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.TelegramBotApiServer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.TelegramUrl;

class TelegramRegistrationTest {

    private static final String TOKEN = "7001234567:AAH-token_for-tests_only";
    private static final String SECRET = "wh-secret_0123456789abcdef";
    private static final String WEBHOOK_URL = "https://parley.example.com/webhooks/telegram/support";

    private final TelegramBotApiServer telegram = TelegramBotApiServer.start();
    private final TelegramRegistration registration = new TelegramRegistration();

    {
        telegram.registerBot(TOKEN, "parley_support_bot");
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private BotProfile bot(String token, String secret, String apiBaseUrl) {
        Map<String, String> credentials = new HashMap<>();
        credentials.put(TelegramCredentials.BOT_TOKEN, token);
        if (secret != null) {
            credentials.put(TelegramCredentials.WEBHOOK_SECRET, secret);
        }
        return new BotProfile("support", Platform.TELEGRAM, "Support", credentials, apiBaseUrl);
    }

    private BotProfile bot() {
        return bot(TOKEN, SECRET, telegram.baseUrl());
    }

    private static Map<String, Object> done(RegistrationOutcome outcome) {
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Done.class);
        return ((RegistrationOutcome.Done) outcome).details();
    }

    private static String refused(RegistrationOutcome outcome) {
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Refused.class);
        return ((RegistrationOutcome.Refused) outcome).platformError();
    }

    private static void assertNoSecret(RegistrationOutcome outcome) {
        assertThat(outcome.toString()).doesNotContain(TOKEN, SECRET, "AAH-token_for-tests_only");
    }

    @Test
    void theRegistrarNamesItsCredentialsAndGeneratesTheWebhookSecret() {
        assertThat(registration.platform()).isEqualTo(Platform.TELEGRAM);
        assertThat(registration.requiredCredentials()).containsExactlyInAnyOrder("botToken", "webhookSecret");
        assertThat(registration.optionalCredentials()).isEmpty();
        assertThat(registration.generatedSecret()).contains("webhookSecret");
    }

    @Test
    void registerSetsTheWebhookWithTheSecretTheHandledUpdatesAndFortyConnections() {
        RegistrationOutcome outcome = registration.register(bot(), WEBHOOK_URL);

        assertThat(done(outcome)).containsEntry("url", WEBHOOK_URL)
                .containsEntry("allowedUpdates", List.of("message", "edited_message", "channel_post", "callback_query"))
                .containsEntry("maxConnections", 40);
        assertNoSecret(outcome);

        RecordedCall call = telegram.calls("setWebhook").get(0);
        assertThat(call.token()).isEqualTo(TOKEN);
        assertThat(call.parameter("url")).isEqualTo(WEBHOOK_URL);
        assertThat(call.parameter("secret_token")).isEqualTo(SECRET);
        assertThat(call.parameter("allowed_updates"))
                .isEqualTo("[\"message\",\"edited_message\",\"channel_post\",\"callback_query\"]");
        assertThat(call.parameter("max_connections")).isEqualTo("40");
        assertThat(call.parameter("drop_pending_updates")).as("pending updates are kept").isNull();
        assertThat(telegram.webhook(TOKEN)).contains(new TelegramBotApiServer.Webhook(WEBHOOK_URL, SECRET,
                TelegramRegistration.ALLOWED_UPDATES, 40, false));
    }

    @Test
    void inspectReportsWhatTelegramReportsIncludingTheLastDeliveryError() {
        registration.register(bot(), WEBHOOK_URL);
        telegram.setPendingUpdateCount(TOKEN, 3);
        telegram.setLastWebhookError(TOKEN, Instant.parse("2026-11-23T07:00:00Z"),
                "Wrong response from the webhook: 502 Bad Gateway");

        RegistrationOutcome outcome = registration.inspect(bot());

        assertThat(done(outcome)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", WEBHOOK_URL,
                "pendingUpdateCount", 3,
                "maxConnections", 40,
                "allowedUpdates", TelegramRegistration.ALLOWED_UPDATES,
                "lastErrorDate", "2026-11-23T07:00:00Z",
                "lastErrorMessage", "Wrong response from the webhook: 502 Bad Gateway"));
        assertNoSecret(outcome);
    }

    @Test
    void inspectWithoutWebhookReportsAnEmptyUrl() {
        assertThat(done(registration.inspect(bot()))).containsEntry("url", "").containsEntry("pendingUpdateCount", 0)
                .doesNotContainKeys("lastErrorDate", "lastErrorMessage", "maxConnections");
    }

    @Test
    void removeDeletesTheWebhookAndKeepsPendingUpdates() {
        registration.register(bot(), WEBHOOK_URL);
        telegram.setPendingUpdateCount(TOKEN, 5);

        RegistrationOutcome outcome = registration.remove(bot());

        assertThat(done(outcome)).containsEntry("url", "");
        assertThat(telegram.webhook(TOKEN)).isEmpty();
        assertThat(telegram.calls("deleteWebhook").get(0).parameter("drop_pending_updates")).isNull();
        assertThat(done(registration.inspect(bot()))).containsEntry("url", "").containsEntry("pendingUpdateCount", 5);
    }

    @Test
    void aPlainHttpUrlIsRefusedWithTelegramsDescription() {
        RegistrationOutcome outcome = registration.register(bot(), "http://parley.example.com/webhooks/telegram/support");

        assertThat(refused(outcome)).isEqualTo("Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        assertThat(telegram.webhook(TOKEN)).isEmpty();
    }

    @Test
    void anUnknownTokenIsRefusedAsTelegramSaysIt() {
        BotProfile stranger = bot("7009999999:AAH-revoked_token", SECRET, telegram.baseUrl());

        assertThat(refused(registration.register(stranger, WEBHOOK_URL))).isEqualTo("Unauthorized");
        assertThat(refused(registration.inspect(stranger))).isEqualTo("Unauthorized");
        assertThat(refused(registration.remove(stranger))).isEqualTo("Unauthorized");
    }

    @Test
    void aRefusalThatQuotesTheRequestUrlOrTheSecretHasThemBlanked() {
        telegram.failNext("setWebhook", 400, "Bad Request: cannot use /bot" + TOKEN + "/setwebhook with " + SECRET
                + " (encoded " + TOKEN.replace(":", "%3A") + ")");

        RegistrationOutcome outcome = registration.register(bot(), WEBHOOK_URL);

        assertThat(refused(outcome)).isEqualTo("Bad Request: cannot use /bot[redacted]/setwebhook with [redacted] "
                + "(encoded [redacted])");
        assertNoSecret(outcome);
    }

    @Test
    void aSecretTelegrambotsRejectsIsRefusedWithoutPrintingTheRequest() {
        RegistrationOutcome outcome = registration.register(bot(TOKEN, "not allowed!", telegram.baseUrl()), WEBHOOK_URL);

        assertThat(refused(outcome)).startsWith("telegrambots refused the request before sending it: SecretToken")
                .doesNotContain("not allowed!", TOKEN);
        assertThat(telegram.calls()).isEmpty();
    }

    @Test
    void anUnreachableBotApiIsRefusedWithoutTheToken() {
        TelegramBotApiServer gone = TelegramBotApiServer.start();
        String goneUrl = gone.baseUrl();
        gone.close();

        RegistrationOutcome outcome = registration.register(bot(TOKEN, SECRET, goneUrl), WEBHOOK_URL);

        assertThat(refused(outcome)).startsWith("Telegram Bot API unreachable: ");
        assertNoSecret(outcome);
    }

    @Test
    void aBotWithoutItsWebhookSecretOrTokenIsRefusedBeforeAnyCall() {
        assertThat(refused(registration.register(bot(TOKEN, null, telegram.baseUrl()), WEBHOOK_URL)))
                .isEqualTo("the bot has no webhookSecret yet: Parley generates it when it registers the webhook");
        assertThat(refused(registration.inspect(new BotProfile("support", Platform.TELEGRAM, "Support", Map.of(),
                telegram.baseUrl())))).isEqualTo("the bot has no botToken");
        assertThat(telegram.calls()).isEmpty();
    }

    @Test
    void theApiBaseUrlPicksTheBotApiServer() {
        assertThat(TelegramRegistration.botApiUrl(null)).contains(TelegramUrl.DEFAULT_URL);
        assertThat(TelegramRegistration.botApiUrl("http://127.0.0.1:8081"))
                .contains(new TelegramUrl("http", "127.0.0.1", 8081, false));
        assertThat(TelegramRegistration.botApiUrl("https://bot-api.internal/"))
                .contains(new TelegramUrl("https", "bot-api.internal", 443, false));
        assertThat(TelegramRegistration.botApiUrl("https://proxy.internal/telegram")).as("telegrambots drops paths")
                .isEmpty();
        assertThat(TelegramRegistration.botApiUrl("ftp://x")).isEmpty();
    }

    @Test
    void anApiBaseUrlWithAPathIsRefused() {
        assertThat(refused(registration.inspect(bot(TOKEN, SECRET, "https://proxy.internal/telegram"))))
                .startsWith("apiBaseUrl must be scheme://host[:port] without a path");
    }
}
