package dev.parley.adapter.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.simulators.WhatsAppGraphApiServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhatsAppRegistrationTest {

    private static final String ACCESS_TOKEN = "EAAG-access-token-for-tests";
    private static final String APP_SECRET = "TEST_APP_SECRET";
    private static final String VERIFY_TOKEN = "paste-me-into-meta";
    private static final String CALLBACK_URL = "https://parley.example.com/webhooks/whatsapp/orders";

    private final WhatsAppRegistration registration = new WhatsAppRegistration();

    private static BotProfile bot(Map<String, String> credentials) {
        return new BotProfile("orders", Platform.WHATSAPP, "Orders", credentials, null);
    }

    private static BotProfile bot() {
        return bot(Map.of(WhatsAppCredentials.ACCESS_TOKEN, ACCESS_TOKEN, WhatsAppCredentials.APP_SECRET, APP_SECRET,
                WhatsAppCredentials.VERIFY_TOKEN, VERIFY_TOKEN, WhatsAppCredentials.PHONE_NUMBER_ID, "106540352242922"));
    }

    private static Map<String, Object> done(RegistrationOutcome outcome) {
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Done.class);
        return ((RegistrationOutcome.Done) outcome).details();
    }

    @Test
    void theRegistrarNamesItsCredentials() {
        assertThat(registration.platform()).isEqualTo(Platform.WHATSAPP);
        assertThat(registration.requiredCredentials())
                .containsExactlyInAnyOrder("accessToken", "appSecret", "verifyToken", "phoneNumberId");
        assertThat(registration.optionalCredentials())
                .containsExactlyInAnyOrder("graphVersion", "appId", "businessAccountId");
        assertThat(registration.generatedSecret()).isEmpty();
    }

    @Test
    void registerAnswersTheCallbackUrlAndTheVerifyTokenToPasteIntoMetasDashboard() {
        RegistrationOutcome outcome = registration.register(bot(), CALLBACK_URL);

        Map<String, Object> details = done(outcome);
        assertThat(details).containsEntry("callbackUrl", CALLBACK_URL)
                .containsEntry("verifyToken", VERIFY_TOKEN)
                .containsEntry("phoneNumberId", "106540352242922")
                .containsEntry("webhookFields", List.of("messages"));
        assertThat((String) details.get("instructions")).contains(CALLBACK_URL, "Verify token", "messages");
        assertThat(outcome.toString()).as("only the verify token is shown").doesNotContain(ACCESS_TOKEN, APP_SECRET);
    }

    @Test
    void inspectSaysWhetherTheVerifyTokenIsSetButNeverShowsIt() {
        RegistrationOutcome outcome = registration.inspect(bot());

        assertThat(done(outcome)).containsEntry("verifyTokenSet", true).containsEntry("phoneNumberId", "106540352242922");
        assertThat(outcome.toString()).doesNotContain(VERIFY_TOKEN, ACCESS_TOKEN, APP_SECRET);
        assertThat(done(registration.inspect(bot(Map.of())))).containsEntry("verifyTokenSet", false)
                .doesNotContainKey("phoneNumberId");
    }

    @Test
    void registerWithoutAVerifyTokenIsRefused() {
        assertThat(registration.register(bot(Map.of(WhatsAppCredentials.ACCESS_TOKEN, ACCESS_TOKEN)), CALLBACK_URL))
                .isEqualTo(new RegistrationOutcome.Refused(
                        "the bot has no verifyToken: set the value you will paste into Meta's dashboard"));
    }

    @Test
    void removeTellsTheAdminWhereToUnsubscribe() {
        RegistrationOutcome outcome = registration.remove(bot());

        assertThat((String) done(outcome).get("instructions")).contains("WhatsApp > Configuration > Webhook");
        assertThat(outcome.toString()).doesNotContain(VERIFY_TOKEN, ACCESS_TOKEN, APP_SECRET);
    }

    @Test
    void withAnAppAndABusinessAccountRegisterSubscribesTheAppAndInspectReportsIt() {
        try (WhatsAppGraphApiServer graph = WhatsAppGraphApiServer.start()) {
            graph.registerBusinessAccount("102290129340398", ACCESS_TOKEN, "1234567890");
            BotProfile bot = new BotProfile("orders", Platform.WHATSAPP, "Orders", Map.of(
                    WhatsAppCredentials.ACCESS_TOKEN, ACCESS_TOKEN, WhatsAppCredentials.APP_SECRET, APP_SECRET,
                    WhatsAppCredentials.VERIFY_TOKEN, VERIFY_TOKEN, WhatsAppCredentials.PHONE_NUMBER_ID,
                    "106540352242922", WhatsAppCredentials.APP_ID, "1234567890",
                    WhatsAppCredentials.BUSINESS_ACCOUNT_ID, "102290129340398"), graph.baseUrl());

            assertThat(done(registration.inspect(bot))).containsEntry("appSubscribed", false);
            assertThat(done(registration.register(bot, CALLBACK_URL))).containsEntry("subscription", "subscribed")
                    .containsEntry("appSubscribed", true);
            assertThat(graph.subscribedApps("102290129340398")).containsExactly("1234567890");
            assertThat(done(registration.inspect(bot))).containsEntry("appSubscribed", true);

            Map<String, Object> refused = done(registration.inspect(
                    bot.with(WhatsAppCredentials.ACCESS_TOKEN, "EAAG-wrong")));
            assertThat(refused).containsKey("subscriptionError");
            assertThat(refused.toString()).doesNotContain("EAAG-wrong");
        }
    }
}
