package dev.parley.simulator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of the simulated replica: its name, its speed, its width, its memory, how it pushes back and
 * which faults it injects. The README explains the model these feed, with each setting's vLLM counterpart.
 */
@ConfigMapping(prefix = "parley.simulator")
public interface SimulatorConfig {

    /** Model id listed by {@code /v1/models} and echoed in every completion; requests may name any model. */
    @WithDefault("parley-simulator")
    String modelName();

    /**
     * Fixed latency from the end of a sequence's prefill to its first token. Queue time and prefill come on
     * top, so the time to first token a client sees is queue wait + prefill wait + prefill + this.
     */
    @WithDefault("200ms")
    Duration timeToFirstToken();

    /** Prompt tokens the replica prefills per second, one prompt after another; zero or negative: prefill is free. */
    @WithDefault("4000")
    double prefillTokensPerSecond();

    /** Decode speed of a sequence running alone; zero or negative emits all tokens at once. */
    @WithDefault("40")
    double tokensPerSecond();

    /**
     * Slowdown each further running sequence adds: per-sequence speed is
     * {@code tokens-per-second / (1 + batch-slowdown * (running - 1))}.
     */
    @WithDefault("0.02")
    double batchSlowdown();

    /**
     * Sequences decoded at the same time (vLLM's {@code --max-num-seqs}); further requests wait in a FIFO
     * queue and show up as {@code vllm:num_requests_waiting}.
     */
    @WithDefault("8")
    int maxConcurrentSequences();

    /** Requests that may wait for a slot; one more is refused with 503 and {@code Retry-After}. */
    @WithDefault("256")
    int maxWaitingRequests();

    /** The {@code Retry-After} sent with a 503 for a full queue and with a 429; whole seconds, rounded up. */
    @WithDefault("1s")
    Duration retryAfter();

    /** Length of a reply in tokens (words); a request's smaller {@code max_tokens} wins. */
    @WithDefault("32")
    int replyTokens();

    /**
     * KV-cache capacity in tokens: prompt plus generated tokens of running sequences over it is
     * {@code vllm:kv_cache_usage_perc}. It is also the model's maximum context length.
     */
    @WithDefault("16384")
    int kvCacheTokens();

    /**
     * Automatic prefix caching (vLLM's {@code --enable-prefix-caching}, on by default in its V1 engine): a request
     * continuing a conversation ({@code x-session-id}) prefills only the tokens beyond those its previous request
     * left cached.
     */
    @WithDefault("true")
    boolean prefixCaching();

    /**
     * Tokens that cached prefixes share with running sequences; least recently used prefixes are evicted to stay
     * within it. Unset: {@link #kvCacheTokens()}, because vLLM caches prefixes in the free blocks of the KV cache
     * itself; more models a second tier such as CPU offloading.
     */
    OptionalInt prefixCacheTokens();

    /** How long after start the replica pretends to load its weights: {@code /health} and completions answer 503 meanwhile. */
    @WithDefault("0s")
    Duration loadTime();

    /** How many of the most recent requests {@code /simulator/requests} keeps. */
    @WithDefault("1000")
    int recordedRequests();

    /** Faults to inject from the start; {@code /simulator/faults} changes them at run time. */
    Faults faults();

    /** The fault settings, each explained on {@code FaultSettings}. */
    interface Faults {

        @WithDefault("0")
        double errorRate();

        @WithDefault("0")
        int errorAfterTokens();

        @WithDefault("0")
        double stallRate();

        @WithDefault("0")
        int stallAfterTokens();

        /** Unset: a stall lasts until the client gives up. */
        Optional<Duration> stallFor();

        @WithDefault("0")
        double rateLimitRate();

        /** 0: never. */
        @WithDefault("0")
        int crashAtRequest();

        /** Unset: never. */
        Optional<Duration> crashAfter();

        @WithDefault("1")
        long seed();
    }
}
