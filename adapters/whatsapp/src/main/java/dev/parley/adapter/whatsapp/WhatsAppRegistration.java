package dev.parley.adapter.whatsapp;

import static dev.parley.adapter.whatsapp.WhatsAppCredentials.ACCESS_TOKEN;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.APP_ID;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.APP_SECRET;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.BUSINESS_ACCOUNT_ID;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.GRAPH_VERSION;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.PHONE_NUMBER_ID;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.VERIFY_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.contract.spi.WebhookRegistrar;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * WhatsApp's registration room. The callback URL and verify token are set in Meta's App Dashboard, not by Parley, so
 * registering answers what the admin pastes there. When the bot also names its app ({@code appId}) and WhatsApp
 * Business Account ({@code businessAccountId}), Parley subscribes the app to the account's webhooks
 * ({@code POST /{waba-id}/subscribed_apps}) and reports whether it is subscribed: without that subscription Meta
 * sends nothing, however the dashboard is set.
 */
public final class WhatsAppRegistration implements WebhookRegistrar {

    /** The webhook field to subscribe: it carries both inbound messages and delivery statuses. */
    public static final List<String> WEBHOOK_FIELDS = List.of("messages");

    private static final String DASHBOARD = "https://developers.facebook.com/apps";

    private final WhatsAppGraphApi graph;

    public WhatsAppRegistration() {
        this(new WhatsAppGraphApi(HttpClient.newHttpClient(), new ObjectMapper()));
    }

    public WhatsAppRegistration(WhatsAppGraphApi graph) {
        this.graph = graph;
    }

    @Override
    public Platform platform() {
        return Platform.WHATSAPP;
    }

    @Override
    public Set<String> requiredCredentials() {
        return Set.of(ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, PHONE_NUMBER_ID);
    }

    @Override
    public Set<String> optionalCredentials() {
        return Set.of(GRAPH_VERSION, APP_ID, BUSINESS_ACCOUNT_ID);
    }

    @Override
    public Optional<String> generatedSecret() {
        return Optional.empty();
    }

    /**
     * Answers {@code callbackUrl}, {@code verifyToken}, {@code phoneNumberId}, {@code webhookFields} and the admin's
     * {@code instructions}. This is the one outcome in Parley that shows a credential's value: Meta's dashboard
     * asks for the verify token next to the callback URL, and the admin registering the webhook must paste it.
     * {@link #inspect} never shows it.
     */
    @Override
    public RegistrationOutcome register(BotProfile bot, String webhookUrl) {
        String verifyToken = bot.credential(VERIFY_TOKEN);
        if (verifyToken == null || verifyToken.isBlank()) {
            return new RegistrationOutcome.Refused("the bot has no " + VERIFY_TOKEN
                    + ": set the value you will paste into Meta's dashboard");
        }
        Map<String, Object> details = numberDetails(bot);
        details.put("callbackUrl", webhookUrl);
        details.put("verifyToken", verifyToken);
        details.put("instructions", "Parley does not call Meta for this step. In " + DASHBOARD + " open the app, go to "
                + "WhatsApp > Configuration > Webhook, click Edit, paste " + webhookUrl + " as the Callback URL and "
                + "the verifyToken shown here as the Verify token, click Verify and save, then subscribe to the "
                + "webhook field " + String.join(", ", WEBHOOK_FIELDS) + ".");
        if (bot.credential(BUSINESS_ACCOUNT_ID) != null) {
            details.put("subscription", call(() -> graph.post(bot, bot.credential(BUSINESS_ACCOUNT_ID)
                    + "/subscribed_apps", Map.of())).ok() ? "subscribed" : "failed");
            details.putAll(subscription(bot));
        }
        return new RegistrationOutcome.Done(details);
    }

    /**
     * What Parley knows without asking Meta: whether the verify token is set (never its value), the phone number and
     * the fields to subscribe. The callback URL is the bot's webhook URL the hub keeps; the SPI does not pass it here.
     */
    @Override
    public RegistrationOutcome inspect(BotProfile bot) {
        Map<String, Object> details = numberDetails(bot);
        String verifyToken = bot.credential(VERIFY_TOKEN);
        details.put("verifyTokenSet", verifyToken != null && !verifyToken.isBlank());
        if (bot.credential(BUSINESS_ACCOUNT_ID) != null) {
            details.putAll(subscription(bot));
        }
        return new RegistrationOutcome.Done(details);
    }

    @Override
    public RegistrationOutcome remove(BotProfile bot) {
        return new RegistrationOutcome.Done(Map.of("instructions", "Parley does not call Meta for this step. In "
                + DASHBOARD + " open the app, go to WhatsApp > Configuration > Webhook and unsubscribe the "
                + String.join(", ", WEBHOOK_FIELDS) + " field or change the Callback URL; until then Meta keeps "
                + "sending this number's messages to Parley."));
    }

    /**
     * Whether the bot's app is among the account's subscribed apps ({@code appSubscribed}), or why that could not be
     * asked ({@code subscriptionError}, Meta's message: Graph error objects never contain the token).
     */
    private Map<String, Object> subscription(BotProfile bot) {
        WhatsAppGraphApi.Answer answer = call(() -> graph.get(bot, bot.credential(BUSINESS_ACCOUNT_ID)
                + "/subscribed_apps"));
        if (!answer.ok()) {
            return Map.of("subscriptionError", answer.errorText());
        }
        String appId = bot.credential(APP_ID);
        boolean subscribed = false;
        for (JsonNode app : answer.body().path("data")) {
            JsonNode data = app.path("whatsapp_business_api_data");
            subscribed |= appId == null ? !data.isMissingNode() : appId.equals(data.path("id").asText());
        }
        return Map.of("appSubscribed", subscribed);
    }

    private interface GraphCall {
        WhatsAppGraphApi.Answer run() throws IOException, InterruptedException;
    }

    private static WhatsAppGraphApi.Answer call(GraphCall call) {
        try {
            return call.run();
        } catch (IOException e) {
            return unreachable("Graph API unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable("interrupted");
        }
    }

    private static WhatsAppGraphApi.Answer unreachable(String why) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("message", why);
        return new WhatsAppGraphApi.Answer(503, body, null);
    }

    private static Map<String, Object> numberDetails(BotProfile bot) {
        Map<String, Object> details = new LinkedHashMap<>();
        String phoneNumberId = bot.credential(PHONE_NUMBER_ID);
        if (phoneNumberId != null) {
            details.put("phoneNumberId", phoneNumberId);
        }
        details.put("webhookFields", WEBHOOK_FIELDS);
        return details;
    }
}
