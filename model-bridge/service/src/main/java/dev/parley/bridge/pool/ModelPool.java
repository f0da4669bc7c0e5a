package dev.parley.bridge.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bridge.config.BridgeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The GPU pool as one model: routes each request to a replica, streams the answer, and moves the request elsewhere
 * when a replica fails. Replicas come from configuration or from DNS (a Kubernetes headless Service, re-resolved
 * every {@code dns-refresh}); each is scraped ({@code /metrics}, {@code /health}) every {@code scrape-interval}.
 *
 * <p>Routing is {@link AffinityRouting} by default: a conversation stays on its replica (vLLM's prefix cache keeps
 * its history) while that replica is not overloaded, else the least-loaded one takes it; the conversation id also
 * goes out as {@code x-session-id} for routers further down. Failures: unreachable, 429, 503 and "loading" move the
 * request to another replica after a short backoff, and the replica is skipped for its {@code Retry-After}; a
 * replica that keeps failing is put in cooldown by its {@link ReplicaBreaker} and probed back with one request. A
 * context overflow is not retried here ({@link ContextTooLong}: the caller trims the history). When the primary
 * pool has no replica to ask, or its recent time to first token exceeds {@code fallback-after}, the fallback pool
 * (a smaller model) answers; when nothing can, {@link PoolUnavailable}.
 */
@ApplicationScoped
public class ModelPool {

    private static final Logger LOG = Logger.getLogger(ModelPool.class);

    /** The prompt does not fit the model's context: the same request fails on every replica. */
    public static class ContextTooLong extends RuntimeException {
        public ContextTooLong(String message) {
            super(message, null, false, false);
        }
    }

    /** A request the model refused for good (4xx other than a context overflow). */
    public static class ModelRefused extends RuntimeException {
        public ModelRefused(String message) {
            super(message, null, false, false);
        }
    }

    /** No replica of either pool could answer within the attempts. */
    public static class PoolUnavailable extends RuntimeException {
        public PoolUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final BridgeConfig.Pool config;
    private final BridgeConfig.Model model;
    private final ReplicaClient client;
    private final HttpClient http;
    private final RoutingPolicy routing;
    private final ReplicaSet primary;
    private final Optional<ReplicaSet> fallback;
    private final InstantSource clock = InstantSource.system();
    private final List<IntConsumer> capacityListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-pool-watch").daemon().factory());
    private final Timer queueWait;
    private final Timer timeToFirstToken;
    private final MeterRegistry meters;
    private final Map<String, MultiGauge> replicaGauges = new LinkedHashMap<>();
    /** Recent time to first token of the primary pool, smoothed, in milliseconds. */
    private volatile double primaryTtftMillis;

    public ModelPool(BridgeConfig config, ObjectMapper json, MeterRegistry meters) {
        this.config = config.pool();
        this.model = config.model();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.client = new ReplicaClient(http, json);
        this.routing = switch (this.config.routing()) {
            case "round-robin" -> new RoundRobinRouting();
            case "affinity" -> new AffinityRouting(this.config.loadFactor(), this.config.staleAfter(),
                    AffinityRouting.DEFAULT_KV_CACHE_LIMIT, AffinityRouting.DEFAULT_VIRTUAL_NODES);
            default -> throw new IllegalArgumentException("parley.pool.routing must be affinity or round-robin, was "
                    + this.config.routing());
        };
        this.primary = new ReplicaSet(model.name(), this.config.replicaConcurrency(), clock);
        this.fallback = this.config.fallback().replicas().map(urls -> {
            ReplicaSet set = new ReplicaSet(this.config.fallback().model().orElse(model.name()),
                    this.config.fallback().replicaConcurrency(), clock);
            set.replace(urls.stream().map(URI::create).toList());
            return set;
        });
        this.meters = meters;
        this.queueWait = Timer.builder("parley_bridge_queue_wait").description(
                "From the request's arrival at the hub to the model's first token").publishPercentileHistogram()
                .register(meters);
        this.timeToFirstToken = Timer.builder("parley_bridge_time_to_first_token").description(
                "From sending to a replica to its first token").publishPercentileHistogram().register(meters);
        Gauge.builder("parley_bridge_pool_capacity", this, ModelPool::capacity).register(meters);
        Gauge.builder("parley_bridge_pool_in_flight", primary, set -> set.loads().stream()
                .mapToInt(ReplicaLoad::inFlight).sum()).register(meters);
        for (String gauge : List.of("in_flight", "waiting", "running", "kv_cache_usage", "ready", "cooling_down")) {
            replicaGauges.put(gauge, MultiGauge.builder("parley_bridge_replica_" + gauge)
                    .description("Per replica, as the bridge last saw it (ready and cooling_down: 1 or 0)")
                    .register(meters));
        }
        resolveReplicas();
    }

    void start(@Observes StartupEvent started) {
        long scrape = config.scrapeInterval().toMillis();
        watch.scheduleWithFixedDelay(this::scrapeAll, 0, scrape, TimeUnit.MILLISECONDS);
        if (config.dnsName().isPresent()) {
            long refresh = config.dnsRefresh().toMillis();
            watch.scheduleWithFixedDelay(this::resolveReplicas, refresh, refresh, TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        watch.shutdownNow();
    }

    /** Called with the pool's capacity after every scrape; the consumer admits that many requests at once. */
    public void onCapacity(IntConsumer listener) {
        capacityListeners.add(listener);
        listener.accept(capacity());
    }

    /** Requests the pools can run at once now. */
    public int capacity() {
        return primary.capacity() + fallback.map(ReplicaSet::capacity).orElse(0);
    }

    public boolean hasFallback() {
        return fallback.isPresent();
    }

    public List<ReplicaLoad> replicas() {
        List<ReplicaLoad> all = new ArrayList<>(primary.loads());
        fallback.ifPresent(set -> all.addAll(set.loads()));
        return all;
    }

    private void scrapeAll() {
        try {
            Duration timeout = config.scrapeInterval().multipliedBy(2);
            primary.scrape(http, timeout).join();
            fallback.ifPresent(set -> set.scrape(http, timeout).join());
            int capacity = capacity();
            capacityListeners.forEach(listener -> listener.accept(capacity));
            publishReplicaGauges();
        } catch (RuntimeException e) {
            LOG.warnf("scraping the model pool failed: %s", e.toString());
        }
    }

    /** One row per replica and gauge; replicas that left the pool drop out of the exposition. */
    private void publishReplicaGauges() {
        List<ReplicaLoad> loads = replicas();
        Map<String, ToDoubleFunction<ReplicaLoad>> values = Map.of(
                "in_flight", ReplicaLoad::inFlight, "waiting", ReplicaLoad::waiting, "running", ReplicaLoad::running,
                "kv_cache_usage", ReplicaLoad::kvCacheUsage, "ready", load -> load.ready() ? 1 : 0,
                "cooling_down", load -> load.coolingDown() ? 1 : 0);
        replicaGauges.forEach((name, gauge) -> gauge.register(loads.stream()
                .map(load -> MultiGauge.Row.of(Tags.of("replica", load.id()), values.get(name).applyAsDouble(load)))
                .toList(), true));
    }

    /** The configured list, or the DNS answer for {@code dns-name}: each address becomes {@code http://ip:port/v1}. */
    private void resolveReplicas() {
        if (config.dnsName().isEmpty()) {
            primary.replace(config.replicas().orElse(List.of(model.baseUrl())).stream().map(URI::create).toList());
            return;
        }
        try {
            List<URI> resolved = Arrays.stream(InetAddress.getAllByName(config.dnsName().get()))
                    .map(address -> URI.create("http://" + (address.getHostAddress().contains(":")
                            ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                            + ":" + config.dnsPort() + "/v1"))
                    .sorted().toList();
            primary.replace(resolved);
        } catch (UnknownHostException e) {
            // Keep the replicas last resolved: a DNS hiccup must not empty the pool.
            LOG.warnf("resolving %s failed, keeping %d replicas: %s", config.dnsName().get(),
                    primary.loads().size(), e.getMessage());
        }
    }

    /**
     * Answers one prompt, streaming the text so far to {@code textSoFar}.
     *
     * @param receivedAt when the hub received the question, for the queue-wait histogram
     */
    public Completion complete(String conversationId, List<ChatMessage> messages, Instant receivedAt,
                               Consumer<String> textSoFar) {
        Set<String> tried = new HashSet<>();
        String lastFailure = "no replica was ready";
        for (int attempt = 1; attempt <= config.attempts(); attempt++) {
            ReplicaSet pool = choosePool();
            Optional<Replica> replica = pick(pool, conversationId, tried);
            if (replica.isEmpty() && pool == primary && fallback.isPresent()) {
                pool = fallback.get();
                replica = pick(pool, conversationId, tried);
            }
            if (replica.isEmpty()) {
                tried.clear(); // every replica was tried or none is ready: wait, then try them all again
                pause(attempt, null);
                continue;
            }
            Replica chosen = replica.get();
            CompletionRequest request = new CompletionRequest(pool.model(), messages, model.maxTokens(), true);
            chosen.inFlight().incrementAndGet();
            try {
                Completion completion = client.complete(chosen.baseUrl(), request, conversationId,
                        model.apiKey().map(key -> "Bearer " + key).orElse(null), config.requestTimeout(), textSoFar);
                chosen.breaker().onSuccess();
                observe(pool, completion, receivedAt);
                return completion;
            } catch (ReplicaFailure failure) {
                lastFailure = failure.getMessage();
                Duration backOff = handle(chosen, failure);
                if (!failure.kind().retryable()) {
                    throw failure.kind() == ReplicaFailure.Kind.CONTEXT_TOO_LONG
                            ? new ContextTooLong(failure.getMessage()) : new ModelRefused(failure.getMessage());
                }
                meters.counter("parley_bridge_replica_failures", "replica", chosen.id(),
                        "kind", failure.kind().name().toLowerCase()).increment();
                tried.add(chosen.id());
                pause(attempt, backOff);
            } finally {
                chosen.inFlight().decrementAndGet();
            }
        }
        throw new PoolUnavailable("no replica answered after " + config.attempts() + " attempts: " + lastFailure);
    }

    /** The fallback pool takes over while the primary has nothing ready or keeps its users waiting too long. */
    private ReplicaSet choosePool() {
        if (fallback.isEmpty()) {
            return primary;
        }
        boolean slow = primaryTtftMillis > config.fallback().after().toMillis();
        if (slow) {
            // Forget a little on every request sent elsewhere, so the primary is tried again before long.
            primaryTtftMillis *= 0.9;
        }
        return primary.capacity() == 0 || slow ? fallback.get() : primary;
    }

    private Optional<Replica> pick(ReplicaSet pool, String conversationId, Set<String> tried) {
        for (String id : routing.order(conversationId, pool.loads(), clock.instant())) {
            Replica replica = pool.replica(id);
            if (replica != null && !tried.contains(id) && replica.breaker().tryAcquire()) {
                return Optional.of(replica);
            }
        }
        return Optional.empty();
    }

    /** What a failure says about the replica, and how long before the request's next attempt. */
    private Duration handle(Replica replica, ReplicaFailure failure) {
        Instant now = clock.instant();
        switch (failure.kind()) {
            // The replica works; the request is what it refuses.
            case CONTEXT_TOO_LONG, REFUSED -> replica.breaker().onSuccess();
            // Busy, not broken: skip it for as long as it asked, without counting towards its cooldown.
            case RATE_LIMITED, OVERLOADED -> {
                replica.breaker().onAbandoned();
                replica.backOffUntil(now.plus(failure.retryAfter() == null ? Duration.ofSeconds(1)
                        : failure.retryAfter()));
            }
            case LOADING -> {
                replica.breaker().onAbandoned();
                replica.health(false); // until its next health check says otherwise
            }
            case UNREACHABLE, SERVER_ERROR, TIMEOUT, STREAM_ERROR -> replica.breaker().onFailure();
        }
        return failure.retryAfter();
    }

    private void pause(int attempt, Duration retryAfter) {
        if (attempt >= config.attempts()) {
            return;
        }
        // Another replica can be asked at once; the backoff only spaces out attempts when the pool is struggling.
        Duration wait = config.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 5));
        if (retryAfter != null && fallback.isEmpty() && primary.loads().size() == 1) {
            wait = retryAfter; // the only replica asked us to wait: honour it
        }
        try {
            Thread.sleep(Math.min(wait.toMillis(), config.requestTimeout().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolUnavailable("interrupted while waiting to retry");
        }
    }

    private void observe(ReplicaSet pool, Completion completion, Instant receivedAt) {
        if (completion.timeToFirstToken() == null) {
            return;
        }
        timeToFirstToken.record(completion.timeToFirstToken());
        if (receivedAt != null) {
            Instant firstToken = clock.instant().minus(completion.total()).plus(completion.timeToFirstToken());
            queueWait.record(Duration.between(receivedAt, firstToken).isNegative() ? Duration.ZERO
                    : Duration.between(receivedAt, firstToken));
        }
        if (pool == primary) {
            double ttft = completion.timeToFirstToken().toMillis();
            primaryTtftMillis = primaryTtftMillis == 0 ? ttft : 0.8 * primaryTtftMillis + 0.2 * ttft;
        }
    }
}
