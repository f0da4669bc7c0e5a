package dev.parley.contract.spi;

import dev.parley.contract.Platform;
import java.util.Map;
import java.util.Objects;

/**
 * A bot as an adapter sees it: its platform, its decrypted credentials (names defined by each adapter) and an
 * optional API base URL for self-hosted API servers and tests. {@link #toString()} never shows a credential.
 */
public record BotProfile(String botId, Platform platform, String displayName, Map<String, String> credentials,
                         String apiBaseUrl) {
    public BotProfile {
        Objects.requireNonNull(botId, "bot id");
        Objects.requireNonNull(platform, "platform");
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }

    public String credential(String name) {
        return credentials.get(name);
    }

    @Override
    public String toString() {
        return "BotProfile[botId=" + botId + ", platform=" + platform.id() + ", displayName=" + displayName
                + ", credentials=" + credentials.keySet() + ", apiBaseUrl=" + apiBaseUrl + "]";
    }
}
