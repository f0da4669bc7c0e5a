package dev.parley.hub.registry;

import io.quarkus.infinispan.client.Remote;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCache;

/**
 * The bots, in the Infinispan cache {@code parley-bots} (file store: it survives a restart of the server). Reads
 * go to the server, so every hub node sees a change at once. Writes are versioned so two admins changing one bot
 * at once never lose an edit.
 */
@ApplicationScoped
public class BotRegistry {

    public static final String CACHE = "parley-bots";
    private static final int MAX_WRITE_ATTEMPTS = 20;

    private final RemoteCache<String, BotRecord> bots;

    public BotRegistry(@Remote(CACHE) RemoteCache<String, BotRecord> bots) {
        this.bots = bots;
    }

    public Optional<BotRecord> find(String id) {
        return Optional.ofNullable(bots.get(id));
    }

    public List<BotRecord> all() {
        List<BotRecord> all = new ArrayList<>();
        // Anything else in the cache (written by hand or by another tool) is skipped, not fatal to the listing.
        for (Object value : bots.getAll(bots.keySet()).values()) {
            if (value instanceof BotRecord bot) {
                all.add(bot);
            }
        }
        all.sort(Comparator.comparing(BotRecord::id));
        return all;
    }

    /** @return false when a bot with this id exists already */
    public boolean create(BotRecord bot) {
        return bots.withFlags(Flag.FORCE_RETURN_VALUE).putIfAbsent(bot.id(), bot) == null;
    }

    /** Applies a change to the stored bot, retrying when another writer got there first; empty if unknown. */
    public Optional<BotRecord> update(String id, UnaryOperator<BotRecord> change) {
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            MetadataValue<BotRecord> current = bots.getWithMetadata(id);
            if (current == null) {
                return Optional.empty();
            }
            BotRecord next = change.apply(current.getValue());
            if (bots.replaceWithVersion(id, next, current.getVersion())) {
                return Optional.of(next);
            }
        }
        throw new IllegalStateException("bot " + id + " kept changing under " + MAX_WRITE_ATTEMPTS + " write attempts");
    }

    /** @return false when there was no such bot */
    public boolean delete(String id) {
        return bots.withFlags(Flag.FORCE_RETURN_VALUE).remove(id) != null;
    }
}
