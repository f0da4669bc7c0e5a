package dev.parley.hub.registry;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.hub.admin.BotAdministration;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Bots as adapters need them on the hot path: read from the registry off the event loop, credentials opened. Every
 * read asks the registry, so a change is seen at once; while the registry cannot be reached (an Infinispan restart)
 * the bot's last profile read on this node is used, so webhooks of known bots are still verified and stored instead
 * of failing until the grid is back. A bot never read here gets the failure (the webhook answers 503).
 */
@ApplicationScoped
public class BotProfiles {

    private static final Logger LOG = Logger.getLogger(BotProfiles.class);

    private final BotRegistry registry;
    private final BotAdministration administration;
    private final Map<String, Optional<BotProfile>> lastRead = new ConcurrentHashMap<>();

    public BotProfiles(BotRegistry registry, BotAdministration administration) {
        this.registry = registry;
        this.administration = administration;
    }

    /** The bot of this platform with this id, or empty when there is none (a webhook for an unknown bot). */
    public Uni<Optional<BotProfile>> of(String botId, Platform platform) {
        return Uni.createFrom().item(() -> {
                    Optional<BotProfile> profile = registry.find(botId)
                            .filter(bot -> bot.platform().equals(platform.id()))
                            .map(administration::profile);
                    lastRead.put(botId + "\n" + platform.id(), profile);
                    return profile;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().recoverWithUni(failure -> {
                    Optional<BotProfile> last = lastRead.get(botId + "\n" + platform.id());
                    if (last == null) {
                        return Uni.createFrom().failure(failure);
                    }
                    LOG.debugf("registry unreachable (%s); using the last profile of bot %s", failure, botId);
                    return Uni.createFrom().item(last);
                });
    }
}
