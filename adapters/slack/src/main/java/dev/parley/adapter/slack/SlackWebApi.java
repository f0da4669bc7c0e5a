package dev.parley.adapter.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.SlackApiException;
import dev.parley.contract.spi.BotProfile;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slack's Web API as the adapter's rooms reach it: one SDK instance (and connection pool) per Web API server, slack.com
 * or a bot's {@code apiBaseUrl} (the simulator, a proxy), and the texts that leave the adapter when a call fails.
 */
final class SlackWebApi {

    private static final String REDACTED = "[redacted]";

    private final Map<String, Slack> slackByApiBaseUrl = new ConcurrentHashMap<>();

    /**
     * The SDK for the bot's Web API server: slack.com without an {@code apiBaseUrl}, else {@code apiBaseUrl + "/api/"}.
     * A base URL the SDK cannot use makes its calls throw {@link IllegalArgumentException}.
     */
    Slack of(BotProfile bot) {
        String apiBaseUrl = bot.apiBaseUrl();
        String base = apiBaseUrl == null || apiBaseUrl.isBlank() ? "" : apiBaseUrl.strip().replaceAll("/+$", "");
        return slackByApiBaseUrl.computeIfAbsent(base, key -> {
            SlackConfig config = new SlackConfig();
            // The SDK's call statistics would start background work and call auth.test on their own.
            config.setStatsEnabled(false);
            if (!key.isEmpty()) {
                config.setMethodsEndpointUrlPrefix(key + "/api/");
            }
            return Slack.getInstance(config);
        });
    }

    /** Slack's {@code error} code of a non-200 answer (429, 5xx) when its body has one, else its HTTP status. */
    static String error(SlackApiException e) {
        return e.getError() != null && e.getError().getError() != null
                ? e.getError().getError() : "Slack answered HTTP " + e.getResponse().code();
    }

    /** Why Slack could not be reached, from the exception's class and message, never its {@code toString()}. */
    static String unreachable(IOException e) {
        return "Slack unreachable: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Blanks every credential value out of a text leaving the adapter, whatever the SDK put into it. */
    static String withoutSecrets(String text, BotProfile bot) {
        String clean = text;
        for (String secret : bot.credentials().values()) {
            if (secret != null && !secret.isEmpty()) {
                clean = clean.replace(secret, REDACTED);
            }
        }
        return clean;
    }
}
