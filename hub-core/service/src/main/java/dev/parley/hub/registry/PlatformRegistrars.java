package dev.parley.hub.registry;

import dev.parley.adapter.slack.SlackRegistration;
import dev.parley.adapter.telegram.TelegramRegistration;
import dev.parley.adapter.whatsapp.WhatsAppRegistration;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.WebhookRegistrar;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The registration room of every platform adapter, by platform. The web chat needs none: the hub serves it. */
@ApplicationScoped
public class PlatformRegistrars {

    private final Map<Platform, WebhookRegistrar> byPlatform = new EnumMap<>(Platform.class);

    public PlatformRegistrars() {
        for (WebhookRegistrar registrar : new WebhookRegistrar[] {
                new TelegramRegistration(), new SlackRegistration(), new WhatsAppRegistration()}) {
            byPlatform.put(registrar.platform(), registrar);
        }
    }

    public Optional<WebhookRegistrar> of(Platform platform) {
        return Optional.ofNullable(byPlatform.get(platform));
    }

    public Set<Platform> platforms() {
        return byPlatform.keySet();
    }
}
