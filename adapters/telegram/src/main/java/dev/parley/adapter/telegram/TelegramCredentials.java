package dev.parley.adapter.telegram;

/** The names under which a Telegram bot's credentials are stored in Parley's registry. */
public final class TelegramCredentials {

    /** BotFather's token, {@code <bot id>:<secret>}; required. It is part of every Bot API URL path. */
    public static final String BOT_TOKEN = "botToken";

    /**
     * The {@code secret_token} Telegram echoes in {@code X-Telegram-Bot-Api-Secret-Token} on every webhook call.
     * Parley generates it on registration and rotation; an admin never types it.
     */
    public static final String WEBHOOK_SECRET = "webhookSecret";

    private TelegramCredentials() {
    }
}
