package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.APP_TOKEN;
import static dev.parley.adapter.slack.SlackCredentials.BOT_TOKEN;
import static dev.parley.adapter.slack.SlackCredentials.SIGNING_SECRET;

import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.contract.spi.WebhookRegistrar;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Slack's registration room. Slack has no API to set an app's Request URL, so registering checks the bot token with
 * {@code auth.test} and answers with what the admin pastes into the app's Event Subscriptions page.
 */
public final class SlackRegistration implements WebhookRegistrar {

    /** The bot events the admin subscribes the app to: direct messages, channel messages and mentions. */
    public static final List<String> BOT_EVENTS =
            List.of("app_mention", "message.channels", "message.groups", "message.im", "message.mpim");

    private static final String APPS_PAGE = "https://api.slack.com/apps";

    private final SlackWebApi slack = new SlackWebApi();

    @Override
    public Platform platform() {
        return Platform.SLACK;
    }

    @Override
    public Set<String> requiredCredentials() {
        return Set.of(BOT_TOKEN, SIGNING_SECRET);
    }

    @Override
    public Set<String> optionalCredentials() {
        return Set.of(APP_TOKEN);
    }

    @Override
    public Optional<String> generatedSecret() {
        return Optional.empty();
    }

    /**
     * Checks the bot token and answers {@code requestUrl}, {@code teamId}, {@code team}, {@code botUserId},
     * {@code botId}, {@code botEvents} and the admin's {@code instructions}.
     */
    @Override
    public RegistrationOutcome register(BotProfile bot, String webhookUrl) {
        return withAuthTest(bot, auth -> {
            Map<String, Object> details = identity(auth);
            details.put("requestUrl", webhookUrl);
            details.put("botEvents", BOT_EVENTS);
            details.put("instructions", "Slack has no API for this step. In " + APPS_PAGE + " open the app of workspace "
                    + auth.getTeam() + ", go to Event Subscriptions, turn on Enable Events, paste " + webhookUrl
                    + " as the Request URL (Slack verifies it at once), subscribe to the bot events "
                    + String.join(", ", BOT_EVENTS) + ", save, and reinstall the app if Slack asks.");
            return new RegistrationOutcome.Done(details);
        });
    }

    /** Whether the bot token still works and which bot user it belongs to; Slack reports nothing on the Request URL. */
    @Override
    public RegistrationOutcome inspect(BotProfile bot) {
        return withAuthTest(bot, auth -> {
            Map<String, Object> details = identity(auth);
            details.put("tokenValid", true);
            details.put("workspaceUrl", auth.getUrl());
            return new RegistrationOutcome.Done(details);
        });
    }

    @Override
    public RegistrationOutcome remove(BotProfile bot) {
        return new RegistrationOutcome.Done(Map.of("instructions", "Slack has no API for this step. In " + APPS_PAGE
                + " open the app, go to Event Subscriptions and turn off Enable Events (or change the Request URL); "
                + "until then Slack keeps sending events to Parley."));
    }

    private RegistrationOutcome withAuthTest(BotProfile bot, Function<AuthTestResponse, RegistrationOutcome> onValid) {
        String token = bot.credential(BOT_TOKEN);
        if (token == null || token.isBlank()) {
            return new RegistrationOutcome.Refused("the bot has no " + BOT_TOKEN);
        }
        AuthTestResponse auth;
        try {
            auth = slack.of(bot).methods(token).authTest(request -> request);
        } catch (SlackApiException e) {
            // Non-200 answers (429, 5xx): Slack's error code when the body has one.
            return new RegistrationOutcome.Refused(SlackWebApi.withoutSecrets(SlackWebApi.error(e), bot));
        } catch (IOException e) {
            return new RegistrationOutcome.Refused(SlackWebApi.withoutSecrets(SlackWebApi.unreachable(e), bot));
        } catch (IllegalArgumentException e) {
            return new RegistrationOutcome.Refused("apiBaseUrl is not a usable URL: '" + bot.apiBaseUrl() + "'");
        }
        if (!auth.isOk()) {
            return new RegistrationOutcome.Refused(SlackWebApi.withoutSecrets(String.valueOf(auth.getError()), bot));
        }
        return onValid.apply(auth);
    }

    private static Map<String, Object> identity(AuthTestResponse auth) {
        Map<String, Object> details = new LinkedHashMap<>();
        putPresent(details, "teamId", auth.getTeamId());
        putPresent(details, "team", auth.getTeam());
        putPresent(details, "botUserId", auth.getUserId());
        putPresent(details, "botId", auth.getBotId());
        return details;
    }

    private static void putPresent(Map<String, Object> details, String key, String value) {
        if (value != null) {
            details.put(key, value);
        }
    }
}
