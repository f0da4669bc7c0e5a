package dev.parley.hub.admin;

import dev.parley.hub.registry.BotPolicy;
import dev.parley.hub.registry.BotRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A bot as admins see it: every credential only as present, its fingerprint and when it changed. */
public record BotView(String id, String platform, String displayName, String apiBaseUrl,
                      Map<String, CredentialView> credentials, List<String> missingCredentials, BotPolicy policy,
                      String webhookUrl, Instant createdAt, Instant updatedAt) {

    public record CredentialView(boolean present, String fingerprint, String keyId, Instant updatedAt) {
    }

    static BotView of(BotRecord bot, List<String> missing) {
        Map<String, CredentialView> credentials = new TreeMap<>();
        bot.credentials().forEach(c -> credentials.put(c.name(),
                new CredentialView(true, c.fingerprint(), c.keyId(), Instant.ofEpochMilli(c.updatedAtMillis()))));
        return new BotView(bot.id(), bot.platform(), bot.displayName(), bot.apiBaseUrl(), credentials, missing,
                bot.policy(), bot.webhookUrl(), Instant.ofEpochMilli(bot.createdAtMillis()),
                Instant.ofEpochMilli(bot.updatedAtMillis()));
    }
}
