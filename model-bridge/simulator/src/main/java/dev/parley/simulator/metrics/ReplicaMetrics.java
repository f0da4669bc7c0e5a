package dev.parley.simulator.metrics;

import dev.parley.simulator.replica.Replica;
import dev.parley.simulator.reply.FinishReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The replica's metrics under vLLM's own names and buckets, so the bridge, dashboards and autoscalers built
 * against a real vLLM server read the simulator unchanged.
 */
public final class ReplicaMetrics {

    public static final String CONTENT_TYPE = ExpositionWriter.CONTENT_TYPE;

    // vLLM's bucket bounds, so quantiles compare with a real replica's.
    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    private static final double[] INTER_TOKEN_LATENCY_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    private static final double[] REQUEST_LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
            20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final String modelName;
    private final Supplier<Replica.Load> load;
    private final long kvCacheTokens;
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final Map<FinishReason, LongAdder> finishedRequests = new EnumMap<>(FinishReason.class);
    private final Histogram timeToFirstToken = new Histogram(TTFT_BUCKETS);
    private final Histogram interTokenLatency = new Histogram(INTER_TOKEN_LATENCY_BUCKETS);
    private final Histogram queueTime = new Histogram(REQUEST_LATENCY_BUCKETS);
    private final Histogram e2eLatency = new Histogram(REQUEST_LATENCY_BUCKETS);

    /** {@code load} is read at every scrape for the gauges, like vLLM reads its scheduler's stats. */
    public ReplicaMetrics(String modelName, Supplier<Replica.Load> load, long kvCacheTokens) {
        if (kvCacheTokens < 1) {
            throw new IllegalArgumentException("KV-cache capacity must be at least one token, was " + kvCacheTokens);
        }
        this.modelName = modelName;
        this.load = load;
        this.kvCacheTokens = kvCacheTokens;
        for (FinishReason reason : FinishReason.values()) {
            finishedRequests.put(reason, new LongAdder());
        }
    }

    /** A sequence got its slot after waiting {@code waited}. */
    public void recordAdmission(Duration waited) {
        queueTime.observe(seconds(waited));
    }

    /** A sequence's prompt is processed and its first token out, {@code sinceArrival} after the request came in. */
    public void recordFirstToken(int prompt, Duration sinceArrival) {
        promptTokens.add(prompt);
        timeToFirstToken.observe(seconds(sinceArrival));
    }

    public void recordGeneratedToken() {
        generationTokens.increment();
    }

    /** A sequence's token after its first came {@code sincePreviousToken} after the one before. */
    public void recordInterTokenLatency(Duration sincePreviousToken) {
        interTokenLatency.observe(seconds(sincePreviousToken));
    }

    /** A request ended, completed or aborted, {@code sinceArrival} after it came in. */
    public void recordFinished(FinishReason reason, Duration sinceArrival) {
        finishedRequests.get(reason).increment();
        e2eLatency.observe(seconds(sinceArrival));
    }

    /** The current metrics in the Prometheus text format. */
    public String scrape() {
        Replica.Load now = load.get();
        ExpositionWriter out = new ExpositionWriter("model_name", modelName);
        out.gauge("vllm:num_requests_running", "Number of requests in model execution batches.", now.running());
        out.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", now.waiting());
        out.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", (double) now.kvCacheTokens() / kvCacheTokens);
        out.counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", now.preemptions());
        out.counter("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.",
                now.prefixCacheQueries());
        out.counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", now.prefixCacheHits());
        out.counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", promptTokens.sum());
        out.counter("vllm:generation_tokens_total", "Number of generation tokens processed.", generationTokens.sum());
        out.counterFamily("vllm:request_success_total", "Count of successfully processed requests.");
        for (Map.Entry<FinishReason, LongAdder> finished : finishedRequests.entrySet()) {
            out.counterSample("vllm:request_success_total", "finished_reason", finished.getKey().wireName(), finished.getValue().sum());
        }
        out.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", timeToFirstToken.snapshot());
        out.histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", interTokenLatency.snapshot());
        out.histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", queueTime.snapshot());
        out.histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", e2eLatency.snapshot());
        return out.text();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
