package dev.parley.hub.registry;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.hub.admin.BotAdministration;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Bots as adapters need them on the hot path: read from the registry off the event loop, credentials opened. */
@ApplicationScoped
public class BotProfiles {

    private final BotRegistry registry;
    private final BotAdministration administration;

    public BotProfiles(BotRegistry registry, BotAdministration administration) {
        this.registry = registry;
        this.administration = administration;
    }

    /** The bot of this platform with this id, or empty when there is none (a webhook for an unknown bot). */
    public Uni<Optional<BotProfile>> of(String botId, Platform platform) {
        return Uni.createFrom().item(() -> registry.find(botId)
                        .filter(bot -> bot.platform().equals(platform.id()))
                        .map(administration::profile))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
