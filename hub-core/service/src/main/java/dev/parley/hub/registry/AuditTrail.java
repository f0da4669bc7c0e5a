package dev.parley.hub.registry;

import io.quarkus.infinispan.client.Remote;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.infinispan.client.hotrod.RemoteCache;

/** Every admin change, in the Infinispan cache {@code parley-audit} (file store), newest first when read. */
@ApplicationScoped
public class AuditTrail {

    public static final String CACHE = "parley-audit";

    private final RemoteCache<String, AuditEntry> entries;
    private final Clock clock = Clock.systemUTC();

    public AuditTrail(@Remote(CACHE) RemoteCache<String, AuditEntry> entries) {
        this.entries = entries;
    }

    public void record(String actor, String action, String botId, String detail) {
        long now = clock.millis();
        // The key sorts by time; the random tail keeps two changes in the same millisecond apart.
        entries.put(String.format("%013d-%s", now, UUID.randomUUID()), new AuditEntry(now, actor, action, botId, detail));
    }

    public List<AuditEntry> latest(int limit) {
        return entries.keySet().stream().sorted(Comparator.reverseOrder()).limit(limit)
                .map(entries::get).filter(e -> e != null).toList();
    }
}
