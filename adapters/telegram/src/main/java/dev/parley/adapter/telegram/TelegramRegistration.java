package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;
import static dev.parley.adapter.telegram.TelegramCredentials.WEBHOOK_SECRET;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.contract.spi.WebhookRegistrar;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetWebhookInfo;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Telegram's registration room: sets, reads and deletes a bot's webhook through the Bot API with telegrambots, and
 * turns every failure into a {@link RegistrationOutcome.Refused} whose text never carries the bot token or secret.
 */
public final class TelegramRegistration implements WebhookRegistrar {

    /** The update types Parley handles; Telegram then sends no others, so unhandled traffic never reaches the hub. */
    public static final List<String> ALLOWED_UPDATES =
            List.of("message", "edited_message", "channel_post", "callback_query");

    /** Telegram's default; the hub acknowledges at once, so more parallel deliveries would gain nothing. */
    public static final int MAX_CONNECTIONS = 40;

    private static final String REDACTED = "[redacted]";

    private final OkHttpClient http;

    public TelegramRegistration() {
        this(new OkHttpClient());
    }

    /** Shares one OkHttp connection pool across all bots; each call only wraps it with the bot's token. */
    public TelegramRegistration(OkHttpClient http) {
        this.http = http;
    }

    @Override
    public Platform platform() {
        return Platform.TELEGRAM;
    }

    @Override
    public Set<String> requiredCredentials() {
        return Set.of(BOT_TOKEN, WEBHOOK_SECRET);
    }

    @Override
    public Set<String> optionalCredentials() {
        return Set.of();
    }

    @Override
    public Optional<String> generatedSecret() {
        return Optional.of(WEBHOOK_SECRET);
    }

    /**
     * Sets the webhook with the bot's secret token, {@link #ALLOWED_UPDATES} and {@link #MAX_CONNECTIONS}. Pending
     * updates are kept: after a secret rotation or a move they are still the users' messages.
     */
    @Override
    public RegistrationOutcome register(BotProfile bot, String webhookUrl) {
        String secret = bot.credential(WEBHOOK_SECRET);
        if (secret == null || secret.isBlank()) {
            return new RegistrationOutcome.Refused("the bot has no " + WEBHOOK_SECRET
                    + " yet: Parley generates it when it registers the webhook");
        }
        return callBotApi(bot, telegram -> {
            Boolean set = telegram.execute(SetWebhook.builder()
                    .url(webhookUrl)
                    .secretToken(secret)
                    .allowedUpdates(ALLOWED_UPDATES)
                    .maxConnections(MAX_CONNECTIONS)
                    .build());
            if (!Boolean.TRUE.equals(set)) {
                return new RegistrationOutcome.Refused("Telegram did not confirm the webhook");
            }
            return new RegistrationOutcome.Done(Map.of(
                    "url", webhookUrl,
                    "allowedUpdates", ALLOWED_UPDATES,
                    "maxConnections", MAX_CONNECTIONS));
        });
    }

    /**
     * What getWebhookInfo reports: {@code url} ("" when none), {@code pendingUpdateCount}, and when present
     * {@code maxConnections}, {@code allowedUpdates}, {@code lastErrorDate} (ISO-8601) and {@code lastErrorMessage}.
     */
    @Override
    public RegistrationOutcome inspect(BotProfile bot) {
        return callBotApi(bot, telegram -> {
            WebhookInfo info = telegram.execute(new GetWebhookInfo());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("url", info.getUrl() == null ? "" : info.getUrl());
            details.put("pendingUpdateCount", info.getPendingUpdatesCount() == null ? 0 : info.getPendingUpdatesCount());
            if (info.getMaxConnections() != null) {
                details.put("maxConnections", info.getMaxConnections());
            }
            if (info.getAllowedUpdates() != null) {
                details.put("allowedUpdates", List.copyOf(info.getAllowedUpdates()));
            }
            if (info.getLastErrorDate() != null && info.getLastErrorDate() > 0) {
                details.put("lastErrorDate", Instant.ofEpochSecond(info.getLastErrorDate()).toString());
            }
            if (info.getLastErrorMessage() != null) {
                details.put("lastErrorMessage", withoutSecrets(info.getLastErrorMessage(), bot));
            }
            return new RegistrationOutcome.Done(details);
        });
    }

    /** Deletes the webhook and keeps pending updates, so a later registration still delivers them. */
    @Override
    public RegistrationOutcome remove(BotProfile bot) {
        return callBotApi(bot, telegram -> {
            Boolean deleted = telegram.execute(new DeleteWebhook());
            if (!Boolean.TRUE.equals(deleted)) {
                return new RegistrationOutcome.Refused("Telegram did not confirm deleting the webhook");
            }
            return new RegistrationOutcome.Done(Map.of("url", ""));
        });
    }

    @FunctionalInterface
    private interface BotApiCall {
        RegistrationOutcome on(TelegramClient telegram) throws TelegramApiException;
    }

    private RegistrationOutcome callBotApi(BotProfile bot, BotApiCall call) {
        String token = bot.credential(BOT_TOKEN);
        if (token == null || token.isBlank()) {
            return new RegistrationOutcome.Refused("the bot has no " + BOT_TOKEN);
        }
        Optional<TelegramUrl> botApi = botApiUrl(bot.apiBaseUrl());
        if (botApi.isEmpty()) {
            return new RegistrationOutcome.Refused("apiBaseUrl must be scheme://host[:port] without a path, "
                    + "e.g. http://127.0.0.1:8081, not '" + bot.apiBaseUrl() + "'");
        }
        try {
            return call.on(new OkHttpTelegramClient(http, token, botApi.get()));
        } catch (TelegramApiException e) {
            return new RegistrationOutcome.Refused(withoutSecrets(reason(e), bot));
        }
    }

    /**
     * The text an admin can act on. Telegram's own description when it answered; otherwise only exception
     * messages telegrambots and OkHttp compose, never {@code toString()}: a validation exception's toString
     * prints the whole request, secret token included.
     */
    static String reason(TelegramApiException e) {
        if (e instanceof TelegramApiRequestException request && request.getApiResponse() != null) {
            return request.getApiResponse();
        }
        if (e instanceof TelegramApiValidationException) {
            return "telegrambots refused the request before sending it: " + e.getMessage();
        }
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof JsonProcessingException) {
            return "the Bot API answered something that is not a Bot API response";
        }
        if (cause instanceof IOException) {
            return "Telegram Bot API unreachable: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return "Telegram Bot API call failed: " + e.getMessage();
    }

    /**
     * Blanks every credential value, raw and URL-encoded, out of a text leaving this class. The bot token is part
     * of each request URL, so any message that quotes a URL would otherwise carry it.
     */
    static String withoutSecrets(String text, BotProfile bot) {
        String clean = text;
        for (String secret : bot.credentials().values()) {
            if (secret != null && !secret.isEmpty()) {
                clean = clean.replace(secret, REDACTED)
                        .replace(URLEncoder.encode(secret, StandardCharsets.UTF_8), REDACTED);
            }
        }
        return clean;
    }

    /** The Bot API server: api.telegram.org, or a self-hosted / simulated one from the bot's apiBaseUrl. */
    static Optional<TelegramUrl> botApiUrl(String apiBaseUrl) {
        if (apiBaseUrl == null || apiBaseUrl.isBlank()) {
            return Optional.of(TelegramUrl.DEFAULT_URL);
        }
        URI uri;
        try {
            uri = new URI(apiBaseUrl.trim());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean noPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
        // telegrambots builds URLs from scheme, host and port only, so a path prefix would be silently dropped.
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !noPath
                || uri.getRawQuery() != null) {
            return Optional.empty();
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return Optional.of(new TelegramUrl(scheme, uri.getHost(), port, false));
    }
}
