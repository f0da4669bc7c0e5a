package dev.parley.bridge.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the routing knows about one replica at one moment: our own count of requests in flight, the replica's
 * last scraped vLLM gauges, and whether it may be asked at all.
 *
 * @param id           the replica's stable name (its address or pod name); the affinity ring is built from it
 * @param capacity     the most sequences we let run on it at once, normally its {@code --max-num-seqs}
 * @param inFlight     our requests sent to it and not yet finished, counted by the bridge as they happen
 * @param waiting      {@code vllm:num_requests_waiting} at the last scrape
 * @param running      {@code vllm:num_requests_running} at the last scrape
 * @param kvCacheUsage {@code vllm:kv_cache_usage_perc} at the last scrape, 0 to 1
 * @param scrapedAt    when the gauges were read, or {@code null} before the first successful scrape
 * @param ready        its {@code /health} answered 200 (503 while the model loads)
 * @param coolingDown  its {@link ReplicaBreaker} lets no request through right now
 */
public record ReplicaLoad(String id, int capacity, int inFlight, int waiting, int running, double kvCacheUsage,
                          Instant scrapedAt, boolean ready, boolean coolingDown) {

    public ReplicaLoad {
        Objects.requireNonNull(id, "id");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity of " + id + " must be at least 1, was " + capacity);
        }
        if (inFlight < 0 || waiting < 0 || running < 0) {
            throw new IllegalArgumentException("request counts of " + id + " must not be negative: in flight "
                    + inFlight + ", waiting " + waiting + ", running " + running);
        }
        if (!(kvCacheUsage >= 0 && kvCacheUsage <= 1)) {
            throw new IllegalArgumentException("KV-cache usage of " + id + " must be within 0..1, was " + kvCacheUsage);
        }
    }

    /**
     * Sequences ahead of a new request on this replica: {@code max(inFlight, running) + waiting}.
     *
     * <p>{@code inFlight} and {@code running} mostly count the same sequences, so the larger is taken rather
     * than the sum. {@code inFlight} is exact and current: it includes what we sent since the last scrape, so a
     * burst does not all land on the replica that looked idle a scrape ago. {@code running} covers what we do
     * not see: other bridge instances and other clients of the same server. {@code waiting} is added because
     * those sequences hold no slot yet; they are other clients' or ones vLLM preempted under KV-cache pressure,
     * and a new request queues behind them. Our own requests that queue are counted twice, which only ever makes
     * a queueing replica look busier than it is, the safe direction for time to first token.
     */
    public int load() {
        return Math.max(inFlight, running) + waiting;
    }

    /** True when the gauges are missing or older than {@code staleAfter}: they may describe a replica that is gone. */
    public boolean stale(Instant now, Duration staleAfter) {
        return scrapedAt == null || scrapedAt.plus(staleAfter).isBefore(now);
    }

    /**
     * True when a new request would wait here or the metrics cannot tell: stale gauges (fail closed, as the
     * Gateway API Inference Extension does), a KV cache above {@code kvCacheLimit} (vLLM would preempt and
     * recompute, a latency spike rather than an error), or no free slot within {@link #capacity()}.
     */
    public boolean saturated(Instant now, Duration staleAfter, double kvCacheLimit) {
        return stale(now, staleAfter) || kvCacheUsage > kvCacheLimit || load() >= capacity;
    }

    /** False for a replica that must not be asked now: still loading, or its breaker is open. */
    public boolean routable() {
        return ready && !coolingDown;
    }
}
