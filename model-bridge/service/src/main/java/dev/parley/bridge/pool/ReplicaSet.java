package dev.parley.bridge.pool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas of one pool (the primary model, or the smaller fallback model) and their watch: the set follows the
 * configured list or the DNS answer for a headless Service ({@link #replace}), and {@link #scrape} reads every
 * replica's {@code /metrics} and {@code /health} at once. A replica that does not answer its health check is not
 * ready; one whose metrics do not come stays at its last gauges, which go stale and make it count as saturated.
 */
public final class ReplicaSet {

    private final String model;
    private final int replicaCapacity;
    private final InstantSource clock;
    private final Map<String, Replica> replicas = new ConcurrentHashMap<>();

    /**
     * @param model           the model name requests to this pool carry
     * @param replicaCapacity the most requests in flight per replica, normally its {@code --max-num-seqs}
     */
    public ReplicaSet(String model, int replicaCapacity, InstantSource clock) {
        this.model = model;
        this.replicaCapacity = replicaCapacity;
        this.clock = clock;
    }

    public String model() {
        return model;
    }

    /** The pool is now these replicas: new ones join (not ready until their first health check), gone ones leave. */
    public void replace(Collection<URI> baseUrls) {
        Set<String> wanted = new LinkedHashSet<>();
        for (URI url : baseUrls) {
            wanted.add(url.toString());
            replicas.computeIfAbsent(url.toString(), id -> new Replica(url, replicaCapacity, clock));
        }
        replicas.keySet().retainAll(wanted);
    }

    public Replica replica(String id) {
        return replicas.get(id);
    }

    public boolean isEmpty() {
        return replicas.isEmpty();
    }

    public List<ReplicaLoad> loads() {
        return replicas.values().stream().map(Replica::load).toList();
    }

    /** Requests the pool can run at once: the capacity of the replicas that may be asked now. */
    public int capacity() {
        return loads().stream().filter(ReplicaLoad::routable).mapToInt(ReplicaLoad::capacity).sum();
    }

    /** Reads every replica's health and gauges; completes when all answered or timed out. */
    public CompletableFuture<Void> scrape(HttpClient http, Duration timeout) {
        return CompletableFuture.allOf(replicas.values().stream().map(replica -> {
            CompletableFuture<Void> health = http.sendAsync(get(URI.create(replica.root() + "/health"), timeout),
                            HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> {
                        replica.health(failure == null && response.statusCode() == 200);
                        return null;
                    });
            CompletableFuture<Void> metrics = http.sendAsync(get(URI.create(replica.root() + "/metrics"), timeout),
                            HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        if (failure == null && response.statusCode() == 200) {
                            VllmMetrics.parse(response.body()).ifPresent(replica::scraped);
                        }
                        return null;
                    });
            return CompletableFuture.allOf(health, metrics);
        }).toArray(CompletableFuture[]::new));
    }

    private static HttpRequest get(URI uri, Duration timeout) {
        return HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    }
}
