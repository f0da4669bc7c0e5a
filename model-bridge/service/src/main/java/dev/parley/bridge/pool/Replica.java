package dev.parley.bridge.pool;

import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model server of a pool as the bridge sees it: its address, our requests in flight to it, its last scraped
 * vLLM gauges and health, its breaker, and a "not before" set by its own {@code Retry-After}.
 */
public final class Replica {

    private final URI baseUrl;
    private final int capacity;
    private final InstantSource clock;
    private final ReplicaBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile VllmMetrics.Sample sample = new VllmMetrics.Sample(0, 0, 0);
    private volatile Instant scrapedAt;
    private volatile boolean ready;
    private volatile Instant notBefore = Instant.MIN;

    Replica(URI baseUrl, int capacity, InstantSource clock) {
        this.baseUrl = baseUrl;
        this.capacity = capacity;
        this.clock = clock;
        this.breaker = new ReplicaBreaker(clock);
    }

    /** Its OpenAI base URL, ending in {@code /v1}; also its id on the affinity ring. */
    public URI baseUrl() {
        return baseUrl;
    }

    public String id() {
        return baseUrl.toString();
    }

    /** The server's root without a trailing slash, where vLLM serves {@code /metrics} and {@code /health}. */
    String root() {
        String url = baseUrl.toString();
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
    }

    ReplicaBreaker breaker() {
        return breaker;
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    void scraped(VllmMetrics.Sample sample) {
        this.sample = sample;
        this.scrapedAt = clock.instant();
    }

    void health(boolean ready) {
        this.ready = ready;
    }

    /** The replica asked us to wait ({@code Retry-After}, or "loading"): it is skipped until then. */
    void backOffUntil(Instant until) {
        if (until.isAfter(notBefore)) {
            notBefore = until;
        }
    }

    public ReplicaLoad load() {
        Instant now = clock.instant();
        return new ReplicaLoad(id(), capacity, inFlight.get(), Math.max(0, sample.waiting()),
                Math.max(0, sample.running()), Math.clamp(sample.kvCacheUsage(), 0, 1), scrapedAt, ready,
                breaker.coolingDown() || now.isBefore(notBefore));
    }
}
