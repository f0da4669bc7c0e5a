package dev.parley.simulator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every setting of the simulated replica: its name, its speed, its width and its memory. */
@ConfigMapping(prefix = "parley.simulator")
public interface SimulatorConfig {

    /** Model id listed by {@code /v1/models} and echoed in every completion; requests may name any model. */
    @WithDefault("parley-simulator")
    String modelName();

    /**
     * Prefill time: from a sequence getting a slot to its first token. Queueing comes on top, so the
     * time-to-first-token a client sees is queue time plus this. Zero answers without any timer.
     */
    @WithDefault("200ms")
    Duration timeToFirstToken();

    /** Decode speed of each sequence after its first token; zero or negative emits all tokens at once. */
    @WithDefault("40")
    double tokensPerSecond();

    /**
     * Sequences decoded at the same time (vLLM's {@code --max-num-seqs}); further requests wait in a FIFO
     * queue and show up as {@code vllm:num_requests_waiting}.
     */
    @WithDefault("8")
    int maxConcurrentSequences();

    /** Length of a reply in tokens (words); a request's smaller {@code max_tokens} wins. */
    @WithDefault("32")
    int replyTokens();

    /** KV-cache capacity in tokens; prompt plus generated tokens of running sequences over it is {@code vllm:kv_cache_usage_perc}. */
    @WithDefault("16384")
    int kvCacheTokens();

    /** How long after start the replica pretends to load its weights: {@code /health} and completions answer 503 meanwhile. */
    @WithDefault("0s")
    Duration loadTime();

    /** How many of the most recent requests {@code /simulator/requests} keeps. */
    @WithDefault("1000")
    int recordedRequests();
}
