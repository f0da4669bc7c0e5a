package dev.parley.hub.registry;

import java.util.List;
import java.util.Optional;
import org.infinispan.protostream.annotations.Proto;

/**
 * A bot as the {@code parley-bots} cache keeps it: identity, platform, sealed credentials, policy and the webhook
 * URL it was registered with (empty until registered).
 */
@Proto
public record BotRecord(String id, String platform, String displayName, String apiBaseUrl,
                        List<StoredCredential> credentials, BotPolicy policy, String webhookUrl,
                        long createdAtMillis, long updatedAtMillis) {

    public BotRecord {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    public Optional<StoredCredential> credential(String name) {
        return credentials.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
