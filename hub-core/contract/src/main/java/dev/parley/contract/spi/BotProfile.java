package dev.parley.contract.spi;

import dev.parley.contract.Platform;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bot as an adapter sees it: its platform, its decrypted credentials (names defined by each adapter), an
 * optional API base URL for self-hosted API servers and tests, and the webhook URL registered for it ({@code null}
 * while none is: adapters that can listen instead, like Telegram's long polling, then do). {@link #toString()}
 * never shows a credential.
 */
public record BotProfile(String botId, Platform platform, String displayName, Map<String, String> credentials,
                         String apiBaseUrl, String webhookUrl) {
    public BotProfile {
        Objects.requireNonNull(botId, "bot id");
        Objects.requireNonNull(platform, "platform");
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }

    /** A bot without a registered webhook. */
    public BotProfile(String botId, Platform platform, String displayName, Map<String, String> credentials,
                      String apiBaseUrl) {
        this(botId, platform, displayName, credentials, apiBaseUrl, null);
    }

    /** The same bot with one more credential-like attribute (what the adapter learnt of it, like its username). */
    public BotProfile with(String name, String value) {
        Map<String, String> more = new HashMap<>(credentials);
        more.put(name, value);
        return new BotProfile(botId, platform, displayName, more, apiBaseUrl, webhookUrl);
    }

    public String credential(String name) {
        return credentials.get(name);
    }

    @Override
    public String toString() {
        return "BotProfile[botId=" + botId + ", platform=" + platform.id() + ", displayName=" + displayName
                + ", credentials=" + credentials.keySet() + ", apiBaseUrl=" + apiBaseUrl + ", webhookUrl=" + webhookUrl + "]";
    }
}
