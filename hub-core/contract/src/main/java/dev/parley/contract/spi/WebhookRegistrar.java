package dev.parley.contract.spi;

import dev.parley.contract.Platform;
import java.util.Optional;
import java.util.Set;

/**
 * An adapter's registration room: which credentials a bot of its platform needs, and how to point the platform at
 * Parley's webhook for a bot, read back what the platform sees, and take the webhook away. Platforms without an
 * API for it (Slack's Request URL, WhatsApp's callback) answer with what the admin must paste into their settings.
 */
public interface WebhookRegistrar {

    Platform platform();

    /** Credentials a bot of this platform must have; the registry refuses a bot without one of them. */
    Set<String> requiredCredentials();

    /** Credentials a bot may have besides the required ones. */
    Set<String> optionalCredentials();

    /**
     * The credential Parley itself generates on registration and on rotation (Telegram's webhook secret token),
     * or empty when the platform hands out every secret.
     */
    Optional<String> generatedSecret();

    /** Points the platform at {@code webhookUrl} for this bot. */
    RegistrationOutcome register(BotProfile bot, String webhookUrl);

    /** What the platform reports about the bot's webhook (its URL, pending updates, last error …). */
    RegistrationOutcome inspect(BotProfile bot);

    /** Takes the webhook away, so the platform stops calling Parley for this bot. */
    RegistrationOutcome remove(BotProfile bot);
}
